/**
 * Orquestra's testkit, for the tests of applications that embed the engine.
 *
 * <ul>
 *   <li>{@link dev.orquestra.testkit.ScriptedAgent} and {@link dev.orquestra.testkit.ScriptedValidator}:
 *       answers by card and attempt, calls held until the test answers them ({@link dev.orquestra.testkit.Hold}),
 *       calls that fail a given number of times;</li>
 *   <li>{@link dev.orquestra.testkit.ManualClock}, with Pekko's {@code ManualTime}, for time limits, retries and
 *       deadlines without waiting; {@link dev.orquestra.testkit.ManualCancellation} for an agent's cancellation;</li>
 *   <li>{@link dev.orquestra.testkit.Fixtures}: cards, backlogs, work orders and submissions;</li>
 *   <li>{@link dev.orquestra.testkit.OrquestraAssertions}: AssertJ assertions for cards;</li>
 *   <li>{@link dev.orquestra.testkit.EventLog}: the events a listener received;</li>
 *   <li>{@link dev.orquestra.testkit.Dice}: deterministic randomness for simulated agents;</li>
 *   <li>{@link dev.orquestra.testkit.JournalContract}: the suite every store must pass, to run against your own.</li>
 * </ul>
 */
package dev.orquestra.testkit;
