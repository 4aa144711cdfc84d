/**
 * The contracts user code implements: {@link dev.orquestra.spi.Agent} (owner work),
 * {@link dev.orquestra.spi.Validator} (a validation stage) and {@link dev.orquestra.spi.Debugger}
 * (root-cause analysis of repeated failures). All are asynchronous; the {@code Blocking*} variants
 * are run by the library on a bounded executor, never on an actor thread.
 */
package dev.orquestra.spi;
