/**
 * The example app's simulated squad: owner agents for the six standard roles, the seed's
 * validators (verification, LLM judge, QA) and a debugger, all deterministic. Every decision is a
 * pure function of {@code (seed, card, attempt, stage)} ({@link dev.orquestra.testkit.Dice}),
 * so a run is reproducible whatever the timing, and a run killed and resumed ends like one that was
 * not. Owners write real files under {@code <dataDir>/app-artefacts/} in the seed's layout, and
 * verification checks them on disk.
 *
 * <p>Start from {@link dev.orquestra.examples.squad.Squad}; tune it with
 * {@link dev.orquestra.examples.squad.SquadSettings}. {@link dev.orquestra.examples.squad.SampleBacklogs}
 * generates the sample backlog {@code backlogs/squad-120.json}.
 */
package dev.orquestra.examples.squad;
