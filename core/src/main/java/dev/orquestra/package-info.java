/**
 * Orquestra's public API: the domain model (cards, roles, priorities, verdicts, usage), backlog
 * loading and export, the enforced card lifecycle, and the {@code Orquestra} engine facade.
 *
 * <p>Everything under {@code dev.orquestra.internal} is implementation and may change without
 * notice; the agent-facing contracts live in {@code dev.orquestra.spi}.
 */
package dev.orquestra;
