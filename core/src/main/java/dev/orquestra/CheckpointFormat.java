package dev.orquestra;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.orquestra.SeedJson.Fields;
import dev.orquestra.SeedJson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The live state of a card in the seed's {@code backlog_master.json}, both ways: writing a
 * {@link BacklogCheckpoint} and reading the state fields, correction and escalation entries back.
 * What is written is read back to equal records, and writing those again gives the same bytes:
 * maps of unspecified order (feedback) are written sorted by key, and numbers keep their scale.
 */
final class CheckpointFormat {

    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();

    private CheckpointFormat() {
    }

    // ----------------------------------------------------------------------------------------- write

    static void write(BacklogCheckpoint checkpoint, OutputStream out) throws IOException {
        Backlog backlog = checkpoint.backlog();
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.setPrettyPrinter(SeedJson.prettyPrinter());
            g.writeStartObject();
            g.writeStringField("project", backlog.project());
            g.writeArrayFieldStart("cards");
            for (CardReport report : checkpoint.reports()) {
                card(g, report);
                for (CorrectionRecord c : report.corrections()) {
                    correction(g, report, c);
                }
                if (report.escalation() != null) {
                    escalation(g, report, report.escalation());
                }
            }
            g.writeEndArray();
            g.writeFieldName("metadata");
            SeedJson.writeValue(g, backlog.metadata());
            for (Map.Entry<String, Object> e : backlog.extraFields().entrySet()) {
                g.writeFieldName(e.getKey());
                SeedJson.writeValue(g, e.getValue());
            }
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void card(JsonGenerator g, CardReport r) throws IOException {
        CardSpec spec = r.spec();
        g.writeStartObject();
        g.writeStringField("id", spec.id().value());
        g.writeStringField("type", spec.type());
        g.writeStringField("title", spec.title());
        g.writeStringField("description", spec.description());
        g.writeStringField("owner", spec.owner().name());
        g.writeStringField("priority", spec.priority().name());
        g.writeArrayFieldStart("dependencies");
        for (CardId dep : spec.dependencies()) {
            g.writeString(dep.value());
        }
        g.writeEndArray();
        g.writeStringField("status", r.status().name());
        g.writeNumberField("attempt", r.attempt());
        g.writeArrayFieldStart("validation_history");
        for (ValidationRecord v : r.validationHistory()) {
            validation(g, v);
        }
        g.writeEndArray();
        artifacts(g, "artifacts", r.artifacts());
        g.writeObjectFieldStart("cost_tracking");
        g.writeNumberField("total_tokens", r.usage().totalTokens());
        g.writeNumberField("input_tokens", r.usage().inputTokens());
        g.writeNumberField("output_tokens", r.usage().outputTokens());
        g.writeFieldName("total_cost_usd");
        SeedJson.writeDecimal(g, r.usage().costUsd());
        g.writeNumberField("attempts", r.attempt());
        g.writeEndObject();
        instant(g, "created_at", r.createdAt());
        instant(g, "started_at", r.startedAt());
        instant(g, "completed_at", r.completedAt());
        g.writeArrayFieldStart("human_decisions");
        for (HumanDecision d : r.decisions()) {
            g.writeStartObject();
            g.writeStringField("reviewer", d.reviewer());
            g.writeStringField("decision", d.kind().name());
            g.writeStringField("reason", d.reason());
            instant(g, "timestamp", d.at());
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeBooleanField("escalation_needed", r.escalationNeeded());
        for (Map.Entry<String, Object> e : spec.metadata().entrySet()) {
            g.writeFieldName(e.getKey());
            SeedJson.writeValue(g, e.getValue());
        }
        g.writeEndObject();
    }

    private static void validation(JsonGenerator g, ValidationRecord record) throws IOException {
        Verdict v = record.verdict();
        g.writeStartObject();
        g.writeNumberField("attempt", record.attempt());
        g.writeStringField("validator", v.validator());
        g.writeStringField("result", v.passed() ? "PASSED" : "FAILED");
        if (v.score() != null) {
            g.writeNumberField("score", v.score());
        }
        strings(g, "reasons", v.reasons());
        if (!v.feedback().isEmpty()) {
            feedback(g, "feedback", v.feedback());
        }
        if (!v.usage().equals(Usage.ZERO)) {
            usage(g, "cost", v.usage());
        }
        instant(g, "timestamp", record.at());
        g.writeEndObject();
    }

    private static void correction(JsonGenerator g, CardReport card, CorrectionRecord c) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", c.id());
        g.writeStringField("type", "CORRECTION");
        g.writeStringField("parent_card", card.id().value());
        g.writeNumberField("attempt", c.attempt());
        g.writeStringField("status", c.cause().name());
        strings(g, "rejection_reasons", c.reasons());
        feedback(g, "validator_feedback", c.feedback());
        artifacts(g, "previous_artifacts", c.previousArtifacts());
        Diagnosis diagnosis = c.diagnosis();
        if (diagnosis == null) {
            g.writeNullField("root_cause");
            strings(g, "debugging_suggestions", List.of());
        } else {
            g.writeStringField("root_cause", diagnosis.rootCause());
            strings(g, "debugging_suggestions", diagnosis.suggestions());
            if (!diagnosis.usage().equals(Usage.ZERO)) {
                usage(g, "debugging_cost", diagnosis.usage());
            }
        }
        if (c.context() == null) {
            g.writeNullField("context");
        } else {
            g.writeStringField("context", c.context());
        }
        instant(g, "created_at", c.at());
        g.writeEndObject();
    }

    private static void escalation(JsonGenerator g, CardReport card, EscalationRecord e) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", e.id());
        g.writeStringField("type", "ESCALATION");
        g.writeStringField("parent_card", card.id().value());
        g.writeStringField("status", card.escalationNeeded() ? CardStatus.AWAITING_HUMAN.name() : card.status().name());
        g.writeStringField("reason", e.reason());
        g.writeNumberField("failed_attempts", e.attempts());
        strings(g, "last_reasons", e.lastReasons());
        instant(g, "created_at", e.at());
        g.writeEndObject();
    }

    private static void artifacts(JsonGenerator g, String field, List<Artifact> artifacts) throws IOException {
        g.writeArrayFieldStart(field);
        for (Artifact a : artifacts) {
            g.writeStartObject();
            g.writeStringField("type", a.type());
            g.writeStringField("path", a.location());
            if (a.contentHash() != null) {
                g.writeStringField("hash", a.contentHash());
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void usage(JsonGenerator g, String field, Usage usage) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("input_tokens", usage.inputTokens());
        g.writeNumberField("output_tokens", usage.outputTokens());
        g.writeFieldName("cost_usd");
        SeedJson.writeDecimal(g, usage.costUsd());
        g.writeEndObject();
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String s : values) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    /** Feedback maps have no defined order (they are {@code Map.copyOf}s): written sorted by topic. */
    private static void feedback(JsonGenerator g, String field, Map<String, String> feedback) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : new TreeMap<>(feedback).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void instant(JsonGenerator g, String field, Instant at) throws IOException {
        if (at == null) {
            g.writeNullField(field);
        } else {
            g.writeStringField(field, at.toString());
        }
    }

    // ------------------------------------------------------------------------------------------ read

    /**
     * The report of a card from its state fields; problems go to {@code fields}. Corrections and the
     * escalation are folded in later, when every entry has been read. Null when a record refused.
     */
    static CardReport readReport(CardSpec spec, JsonObject card, Fields fields) {
        CardStatus status = status(card, "status", "status", fields);
        Integer attempt = fields.integer(card, "attempt", "attempt", 0, 0);
        List<ValidationRecord> history = new ArrayList<>();
        List<JsonObject> entries = fields.objects(card, "validation_history", "validation_history");
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i) != null) {
                ValidationRecord v = validation(entries.get(i), "validation_history[" + i + "]", fields);
                if (v != null) {
                    history.add(v);
                }
            }
        }
        List<Artifact> artifacts = artifacts(card, "artifacts", "artifacts", fields);
        Usage usage = costTracking(fields.object(card, "cost_tracking", "cost_tracking"), fields);
        Instant createdAt = fields.instant(card, "created_at", "created_at");
        Instant startedAt = fields.instant(card, "started_at", "started_at");
        Instant completedAt = fields.instant(card, "completed_at", "completed_at");
        List<HumanDecision> decisions = new ArrayList<>();
        List<JsonObject> decided = fields.objects(card, "human_decisions", "human_decisions");
        for (int i = 0; i < decided.size(); i++) {
            if (decided.get(i) != null) {
                HumanDecision d = decision(decided.get(i), "human_decisions[" + i + "]", fields);
                if (d != null) {
                    decisions.add(d);
                }
            }
        }
        Object needed = card.get("escalation_needed");
        if (needed != null && !(needed instanceof Boolean)) {
            fields.problem("escalation_needed", "must be a boolean, was " + SeedJson.typeName(needed));
        }
        if (status == null || attempt == null) {
            return null;
        }
        return new CardReport(spec, status, attempt, history, artifacts, usage, createdAt, startedAt, completedAt,
                decisions, List.of(), null);
    }

    /** A {@code <card>-CORR-n} entry; null (with problems) when it is not valid. */
    static CorrectionRecord readCorrection(JsonObject e, Fields fields) {
        String id = fields.requiredString(e, "id", "id");
        Integer attempt = fields.integer(e, "attempt", "attempt", null, 1);
        CardStatus cause = status(e, "status", "status", fields);
        if (e.get("status") == null) {
            fields.problem("status", "missing");
        }
        List<String> reasons = fields.strings(e, "rejection_reasons", "rejection_reasons");
        Map<String, String> feedback = fields.stringMap(e, "validator_feedback", "validator_feedback");
        List<Artifact> previous = artifacts(e, "previous_artifacts", "previous_artifacts", fields);
        String rootCause = fields.string(e, "root_cause", "root_cause", null);
        List<String> suggestions = fields.strings(e, "debugging_suggestions", "debugging_suggestions");
        JsonObject cost = fields.object(e, "debugging_cost", "debugging_cost");
        Usage debugUsage = cost == null ? Usage.ZERO : usage(cost, "debugging_cost", fields);
        String context = fields.string(e, "context", "context", null);
        Instant at = fields.requiredInstant(e, "created_at", "created_at");
        if (rootCause == null && (!suggestions.isEmpty() || cost != null)) {
            fields.problem("root_cause", "missing, but debugging_suggestions or debugging_cost are given");
            return null;
        }
        if (id == null || attempt == null || cause == null || debugUsage == null || at == null) {
            return null;
        }
        try {
            Diagnosis diagnosis = rootCause == null ? null : new Diagnosis(rootCause, suggestions, debugUsage);
            return new CorrectionRecord(id, attempt, cause, reasons, feedback, previous, diagnosis, context, at);
        } catch (IllegalArgumentException x) {
            fields.problem("", x.getMessage());
            return null;
        }
    }

    /** A {@code <card>-ESC} entry; null (with problems) when it is not valid. */
    static EscalationRecord readEscalation(JsonObject e, Fields fields) {
        String id = fields.requiredString(e, "id", "id");
        String reason = fields.requiredString(e, "reason", "reason");
        Integer attempts;
        if (e.get("failed_attempts") instanceof List<?> seedHistory) {
            attempts = seedHistory.size();   // the seed's escalate_card stores the validation history here
        } else {
            attempts = fields.integer(e, "failed_attempts", "failed_attempts", 0, 0);
        }
        List<String> lastReasons = fields.strings(e, "last_reasons", "last_reasons");
        Instant at = fields.requiredInstant(e, "created_at", "created_at");
        if (id == null || reason == null || attempts == null || at == null) {
            return null;
        }
        try {
            return new EscalationRecord(id, attempts, reason, lastReasons, at);
        } catch (IllegalArgumentException x) {
            fields.problem("", x.getMessage());
            return null;
        }
    }

    private static ValidationRecord validation(JsonObject e, String field, Fields fields) {
        Integer attempt = fields.integer(e, "attempt", field + ".attempt", null, 1);
        String validator = fields.requiredString(e, "validator", field + ".validator");
        String result = fields.requiredString(e, "result", field + ".result");
        Boolean passed = null;
        if ("PASSED".equalsIgnoreCase(result)) {
            passed = true;
        } else if ("FAILED".equalsIgnoreCase(result)) {
            passed = false;
        } else if (result != null) {
            fields.problem(field + ".result", "must be PASSED or FAILED, was '" + result + "'");
        }
        Double score = fields.score(e, "score", field + ".score");
        List<String> reasons = fields.strings(e, "reasons", field + ".reasons");
        Map<String, String> feedback = fields.stringMap(e, "feedback", field + ".feedback");
        JsonObject cost = fields.object(e, "cost", field + ".cost");
        Usage usage = cost == null ? Usage.ZERO : usage(cost, field + ".cost", fields);
        Instant at = fields.requiredInstant(e, "timestamp", field + ".timestamp");
        if (attempt == null || validator == null || passed == null || usage == null || at == null) {
            return null;
        }
        try {
            return new ValidationRecord(attempt, new Verdict(validator, passed, score, reasons, feedback, usage), at);
        } catch (IllegalArgumentException x) {
            fields.problem(field, x.getMessage());
            return null;
        }
    }

    private static HumanDecision decision(JsonObject e, String field, Fields fields) {
        String reviewer = fields.requiredString(e, "reviewer", field + ".reviewer");
        String kindName = fields.requiredString(e, "decision", field + ".decision");
        String reason = fields.requiredString(e, "reason", field + ".reason");
        Instant at = fields.requiredInstant(e, "timestamp", field + ".timestamp");
        HumanDecision.Kind kind = null;
        if (kindName != null) {
            try {
                kind = HumanDecision.Kind.valueOf(kindName.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException x) {
                fields.problem(field + ".decision", "unknown decision '" + kindName + "'; expected one of "
                        + List.of(HumanDecision.Kind.values()));
            }
        }
        if (reviewer == null || kind == null || reason == null || at == null) {
            return null;
        }
        try {
            return new HumanDecision(reviewer, kind, reason, at);
        } catch (IllegalArgumentException x) {
            fields.problem(field, x.getMessage());
            return null;
        }
    }

    private static List<Artifact> artifacts(JsonObject owner, String key, String field, Fields fields) {
        List<Artifact> artifacts = new ArrayList<>();
        List<JsonObject> entries = fields.objects(owner, key, field);
        for (int i = 0; i < entries.size(); i++) {
            JsonObject a = entries.get(i);
            if (a == null) {
                continue;
            }
            String where = field + "[" + i + "]";
            String type = fields.requiredString(a, "type", where + ".type");
            String path = fields.requiredString(a, "path", where + ".path");
            String hash = fields.string(a, "hash", where + ".hash", null);
            if (type != null && path != null) {
                try {
                    artifacts.add(new Artifact(type, path, hash));
                } catch (IllegalArgumentException x) {
                    fields.problem(where, x.getMessage());
                }
            }
        }
        return artifacts;
    }

    /**
     * The card's usage from {@code cost_tracking}. A seed file may give only {@code total_tokens}: it
     * is then counted as input tokens.
     */
    private static Usage costTracking(JsonObject cost, Fields fields) {
        if (cost == null) {
            return Usage.ZERO;
        }
        long input;
        long output;
        if (cost.containsKey("input_tokens") || cost.containsKey("output_tokens")) {
            input = fields.count(cost, "input_tokens", "cost_tracking.input_tokens");
            output = fields.count(cost, "output_tokens", "cost_tracking.output_tokens");
        } else {
            input = fields.count(cost, "total_tokens", "cost_tracking.total_tokens");
            output = 0;
        }
        BigDecimal usd = fields.decimal(cost, "total_cost_usd", "cost_tracking.total_cost_usd", BigDecimal.ZERO);
        return usage(input, output, usd, "cost_tracking", fields);
    }

    private static Usage usage(JsonObject cost, String field, Fields fields) {
        long input = fields.count(cost, "input_tokens", field + ".input_tokens");
        long output = fields.count(cost, "output_tokens", field + ".output_tokens");
        BigDecimal usd = fields.decimal(cost, "cost_usd", field + ".cost_usd", BigDecimal.ZERO);
        return usage(input, output, usd, field, fields);
    }

    private static Usage usage(long input, long output, BigDecimal usd, String field, Fields fields) {
        if (input == 0 && output == 0 && usd.equals(BigDecimal.ZERO)) {
            return Usage.ZERO;
        }
        try {
            return new Usage(input, output, usd);
        } catch (IllegalArgumentException x) {
            fields.problem(field, x.getMessage());
            return null;
        }
    }

    private static CardStatus status(JsonObject e, String key, String field, Fields fields) {
        String name = fields.string(e, key, field, CardStatus.TODO.name());
        try {
            return CardStatus.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException x) {
            fields.problem(field, "unknown status '" + name + "'; expected one of " + List.of(CardStatus.values()));
            return null;
        }
    }
}
