package dev.orquestra.persistence;

import dev.orquestra.CardEvent;
import dev.orquestra.CardId;
import dev.orquestra.CardState;
import dev.orquestra.Orquestra;
import dev.orquestra.ValidationRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What an engine reports about every card of a store, one stable line per card, so a store written by
 * one release can be compared with what the current engine reads from it: status, attempt, the names of
 * its history's events, its validation records, corrections, escalation, decisions, dead letters,
 * artifacts and usage.
 */
final class StoreDump {

    private StoreDump() {
    }

    static List<String> of(Orquestra engine, List<CardId> cards) {
        List<String> lines = new ArrayList<>();
        for (CardId id : cards) {
            CardState s = engine.cardState(id);
            lines.add(id + " " + s.status() + " attempt=" + s.attempt()
                    + " events=" + engine.history(id).stream().map(CardEvent::name).collect(Collectors.joining(",")));
            lines.add("  validations=" + s.validationHistory().stream().map(StoreDump::validation)
                    .collect(Collectors.joining(";")));
            lines.add("  corrections=" + s.corrections().stream()
                    .map(c -> c.id() + ":" + String.join("|", c.reasons())).collect(Collectors.joining(";")));
            lines.add("  escalation=" + (s.escalation() == null ? "" : s.escalation().id())
                    + " decisions=" + s.decisions().stream().map(d -> d.kind() + ":" + d.reviewer() + ":" + d.reason())
                    .collect(Collectors.joining(";")));
            lines.add("  deadLetters=" + s.deadLetters().stream().map(d -> d.stage() + ":" + d.tries() + ":" + d.error())
                    .collect(Collectors.joining(";")));
            lines.add("  artifacts=" + s.artifacts().stream().map(a -> a.type() + ":" + a.location())
                    .collect(Collectors.joining(";")) + " usage=" + s.usage().inputTokens() + "/"
                    + s.usage().outputTokens() + "/" + s.usage().costUsd().toPlainString()
                    + " cancel=" + (s.cancelReason() == null ? "" : s.cancelReason()));
        }
        return lines;
    }

    private static String validation(ValidationRecord r) {
        return r.attempt() + ":" + r.verdict().validator() + ":" + (r.verdict().passed() ? "pass" : "fail")
                + (r.verdict().reasons().isEmpty() ? "" : ":" + String.join("|", r.verdict().reasons()));
    }
}
