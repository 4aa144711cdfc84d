/**
 * Implementation of Orquestra: actors, dispatch, journal plugins. <strong>Not API</strong>: anything
 * here may change in any release. Use the types in {@code dev.orquestra} and {@code dev.orquestra.spi}.
 */
package dev.orquestra.internal;
