/**
 * Durable stores for Orquestra: {@link dev.orquestra.persistence.JdbcStore#h2(java.nio.file.Path)} (an
 * embedded H2 file database, the default) and {@link dev.orquestra.persistence.JdbcStore#postgres}
 * (PostgreSQL for shared use), both through Orquestra's own JDBC journal and snapshot plugins.
 */
package dev.orquestra.persistence;
