/** Implementation of the JDBC stores. <strong>Not API.</strong> */
package dev.orquestra.persistence.internal;
