package dev.orquestra.examples.squad;

import dev.orquestra.CardSpec;
import dev.orquestra.CorrectionRecord;
import dev.orquestra.Diagnosis;
import dev.orquestra.Role;
import dev.orquestra.examples.squad.Placeholders.Flag;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.testkit.Dice;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a simulated owner writes: the files of one attempt at one card, in the seed's
 * {@code app-artefacts/} layout, with plausible content that carries the card's id and title. The
 * content is a pure function of the card, the attempt and the work order, so writing it twice gives
 * the same bytes.
 */
final class Drafts {

    /** The folder under the data directory that holds every artifact, as in the seed. */
    static final String ROOT = "app-artefacts";
    /** Marks, in a correction's notes, that the work follows the debugger's diagnosis. */
    static final String ROOT_CAUSE_MARKER = "Root cause addressed:";
    /** Marks, in a correction's notes, that the work follows a reviewer's clarification. */
    static final String CONTEXT_MARKER = "Reviewer context:";

    private static final Set<String> FILLER = Set.of("a", "an", "the", "for", "of", "and", "to", "with", "in", "on",
            "by", "from", "implement", "design", "build", "add", "create", "write", "define", "page", "api", "screen",
            "service", "services", "endpoint", "tests", "test", "deploy", "deployment", "pipeline", "end", "e2e", "spec",
            "architecture", "requirements", "scope", "model", "system", "screens", "ui", "whole", "mvp",
            "brief", "product", "flow", "new", "via", "into", "per", "its", "their", "get", "post", "put", "delete");

    /** How a file type writes comments, which is where correction notes go in code. */
    enum Syntax {
        MARKDOWN(""),
        JAVA("// "),
        TYPESCRIPT("// "),
        YAML("# ");

        private final String comment;

        Syntax(String comment) {
            this.comment = comment;
        }
    }

    /**
     * One file of an attempt.
     *
     * @param path   the path under {@link #ROOT}, such as {@code engenharia/backend/BE-001/Handler.java}
     * @param type   the artifact type
     * @param syntax the file's syntax
     * @param lines  the content, one entry per line
     */
    record Draft(String path, String type, Syntax syntax, List<String> lines) {

        /** The location an artifact reports: relative to the data directory. */
        String location() {
            return ROOT + "/" + path;
        }

        /** The content: every line ending in a newline. */
        String content() {
            return String.join("\n", lines) + "\n";
        }
    }

    private Drafts() {
    }

    /** The folder of a role under {@link #ROOT}, as in the seed. */
    static String folder(Role role) {
        return switch (role.name()) {
            case "PRODUCT" -> "produto";
            case "ARCHITECTURE" -> "arquitetura";
            case "FRONTEND" -> "engenharia/frontend";
            case "BACKEND" -> "engenharia/backend";
            case "QA" -> "qa";
            case "INFRA" -> "deploy";
            default -> throw new IllegalArgumentException("the simulated squad has no role " + role);
        };
    }

    /**
     * The files of an attempt, before any placeholder or correction notes.
     *
     * @param cardDice the card's own dice (attempt 0): the numbers in the content stay the same on
     *                 every attempt, so only what the attempt changes differs between attempts
     */
    static List<Draft> of(CardSpec card, int attempt, Dice cardDice) {
        Facts f = new Facts(card, attempt, cardDice);
        return switch (card.owner().name()) {
            case "PRODUCT" -> List.of(productSpec(f), userStories(f));
            case "ARCHITECTURE" -> List.of(design(f), apiContract(f));
            case "FRONTEND" -> List.of(page(f), pageTest(f));
            case "BACKEND" -> List.of(handler(f), handlerTest(f));
            case "QA" -> List.of(testReport(f), e2eSpec(f));
            case "INFRA" -> List.of(deployment(f), runbook(f));
            default -> throw new IllegalArgumentException("the simulated squad has no role " + card.owner());
        };
    }

    /**
     * The draft with one placeholder line inserted into its body.
     *
     * @param where where in the body, from 0 (its first line) to just below 1 (its last line)
     */
    static Draft withPlaceholder(Draft draft, Flag flag, double where) {
        List<String> lines = new ArrayList<>(draft.lines());
        // The body starts after the three header lines and ends before the last line, so the
        // placeholder lands at the same line on every attempt (notes are appended after it).
        int from = 3;
        int to = Math.max(from, lines.size() - 1);
        int index = from + (int) Math.floor(where * (to - from + 1));
        lines.add(Math.min(index, lines.size()), placeholderLine(draft.syntax(), flag));
        return new Draft(draft.path(), draft.type(), draft.syntax(), lines);
    }

    /** The draft with the notes of a correction appended, in the file's own comment syntax. */
    static Draft withNotes(Draft draft, WorkOrder order) {
        List<String> notes = notes(order);
        if (notes.isEmpty()) {
            return draft;
        }
        List<String> lines = new ArrayList<>(draft.lines());
        lines.add(draft.syntax() == Syntax.MARKDOWN ? "" : draft.syntax().comment.strip());
        for (String note : notes) {
            lines.add(draft.syntax() == Syntax.MARKDOWN ? note : (draft.syntax().comment + note).stripTrailing());
        }
        return new Draft(draft.path(), draft.type(), draft.syntax(), lines);
    }

    private static String placeholderLine(Syntax syntax, Flag flag) {
        return switch (syntax) {
            case MARKDOWN -> switch (flag) {
                case TODO -> "- TODO: confirm the limits with compliance before sign-off";
                case TBD -> "- Retention period for this data: TBD";
                case FIXME -> "- FIXME: implement the reversal section";
                case LOREM_IPSUM -> "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.";
            };
            case JAVA -> switch (flag) {
                case TODO -> "        // TODO: handle the timeout and retry path";
                case TBD -> "        // fee rule for this operation: TBD";
                case FIXME -> "        throw new UnsupportedOperationException(\"FIXME: implement\");";
                case LOREM_IPSUM -> "        // lorem ipsum dolor sit amet";
            };
            case TYPESCRIPT -> switch (flag) {
                case TODO -> "  // TODO: wire the error state";
                case TBD -> "  // copy for the empty state: TBD";
                case FIXME -> "  // FIXME: implement";
                case LOREM_IPSUM -> "  const helpText = 'Lorem ipsum dolor sit amet';";
            };
            case YAML -> switch (flag) {
                case TODO -> "# TODO: set resource limits";
                case TBD -> "# replicas for production: TBD";
                case FIXME -> "# FIXME: implement the readiness probe";
                case LOREM_IPSUM -> "# lorem ipsum";
            };
        };
    }

    /** The notes of the correction that started this attempt: what it answers and how. */
    private static List<String> notes(WorkOrder order) {
        if (order.correction().isEmpty()) {
            return List.of();
        }
        CorrectionRecord c = order.correction().get();
        List<String> notes = new ArrayList<>();
        notes.add("## Correction notes (attempt " + order.attempt() + ")");
        notes.add("This revision answers " + c.id() + " (after " + c.cause().name().toLowerCase(Locale.ROOT) + ").");
        if (!c.reasons().isEmpty()) {
            notes.add("Previous reasons:");
            for (String reason : c.reasons()) {
                notes.add("- " + safe(reason));
            }
        }
        if (!c.feedback().isEmpty()) {
            notes.add("Validator feedback applied:");
            for (Map.Entry<String, String> e : new TreeMap<>(c.feedback()).entrySet()) {
                notes.add("- " + safe(e.getKey()) + ": " + safe(e.getValue()));
            }
        }
        Diagnosis diagnosis = null;
        String context = null;
        for (CorrectionRecord r : order.corrections()) {
            diagnosis = r.diagnosis() != null ? r.diagnosis() : diagnosis;
            context = r.context() != null && !r.context().isBlank() ? r.context() : context;
        }
        if (diagnosis != null) {
            notes.add(ROOT_CAUSE_MARKER + " " + safe(diagnosis.rootCause()));
            for (String suggestion : diagnosis.suggestions()) {
                notes.add("- Applied: " + safe(suggestion));
            }
        }
        if (context != null) {
            notes.add(CONTEXT_MARKER + " " + safe(context));
        }
        notes.add("Changes: every reason above was addressed in this revision and re-checked before submitting.");
        return notes;
    }

    // ------------------------------------------------------------------ per role

    private static Draft productSpec(Facts f) {
        List<String> l = f.header(Syntax.MARKDOWN, "product spec");
        l.add("");
        l.add("## Problem");
        l.addAll(f.description());
        l.add("");
        l.add("## Goals");
        l.add("- Customers can " + f.lowerTitle() + " without leaving the app.");
        l.add("- Every step of the flow is measurable from product events.");
        l.add("- The flow meets the service levels agreed with operations.");
        l.add("");
        l.add("## Non-goals");
        l.add("- Changes to pricing or fee schedules.");
        l.add("- Back-office tooling beyond read-only views.");
        l.add("");
        l.add("## Requirements");
        l.add("| id | requirement | priority |");
        l.add("|----|-------------|----------|");
        l.add("| " + f.id + "-R1 | Available to verified customers only. | must |");
        l.add("| " + f.id + "-R2 | Each request carries an idempotency key; a repeat returns the first result. | must |");
        l.add("| " + f.id + "-R3 | The customer sees the outcome within " + f.seconds + " s (p95). | should |");
        l.add("| " + f.id + "-R4 | Every state change is kept for audit for 5 years. | must |");
        l.add("");
        l.add("## Success metrics");
        l.add("- Completion rate of the flow at least " + f.percent + " % in the first 30 days.");
        l.add("- Support tickets about the flow at most 0.5 per 1,000 uses.");
        l.add("");
        l.add("## Open questions");
        l.add("- None left open: every decision is in the decision log below.");
        l.add("");
        l.add("## Decision log");
        l.add("- Limits follow the current risk policy; changes go through the risk committee.");
        l.add("- Consent for personal data is collected once, at onboarding (LGPD).");
        return new Draft(folder(Role.PRODUCT) + "/specs/spec-" + f.id + ".md", "spec", Syntax.MARKDOWN, l);
    }

    private static Draft userStories(Facts f) {
        List<String> l = f.header(Syntax.MARKDOWN, "user stories");
        l.add("");
        l.add("## Story 1: the happy path");
        l.add("As a verified customer I want to " + f.lowerTitle() + " so that I do not need to call support.");
        l.add("- Given a verified customer, when they confirm, then the outcome is shown within " + f.seconds + " s.");
        l.add("- Given the same idempotency key, when the request repeats, then no second operation is created.");
        l.add("");
        l.add("## Story 2: a refusal");
        l.add("As a customer whose request is refused I want to know why, so that I can fix it myself.");
        l.add("- Given an amount above the daily limit, when they confirm, then the limit and what is left are shown.");
        l.add("- Given a blocked account, when they open the flow, then they are sent to support with a case number.");
        l.add("");
        l.add("## Story 3: the audit trail");
        l.add("As a compliance analyst I want every state change of " + f.id + " recorded, so that audits pass.");
        l.add("- Given any operation, when it changes state, then who, when and why are recorded.");
        return new Draft(folder(Role.PRODUCT) + "/stories/stories-" + f.id + ".md", "user-stories", Syntax.MARKDOWN, l);
    }

    private static Draft design(Facts f) {
        List<String> l = f.header(Syntax.MARKDOWN, "architecture design");
        l.add("");
        l.add("## Context");
        l.addAll(f.description());
        l.add("");
        l.add("## Decision");
        l.add("The capability is a module of the " + f.slug + " service, exposed as REST under /v1/" + f.resource + ".");
        l.add("Writes are idempotent (Idempotency-Key header) and post to the ledger's double-entry API;");
        l.add("reads come from a projection that the ledger's events keep up to date.");
        l.add("");
        l.add("## Components");
        l.add("- " + f.type + "Api: validates requests and maps errors to problem+json responses.");
        l.add("- " + f.type + "Service: business rules, idempotency, calls to the ledger.");
        l.add("- " + f.type + "Projection: the read model, rebuilt from the event stream when needed.");
        l.add("");
        l.add("## Data model");
        l.add("| table | key | columns |");
        l.add("|-------|-----|---------|");
        l.add("| " + f.table + " | id (uuid) | status, amount_minor (bigint), currency, created_at |");
        l.add("| idempotency_keys | key | request hash, response, expires after 24 h |");
        l.add("");
        l.add("## Error handling");
        l.add("- Timeouts: " + f.timeoutMs + " ms to downstream services, two retries with jittered backoff on 5xx only.");
        l.add("- Validation errors: 422 with a problem+json body naming each field.");
        l.add("- Conflicts: 409 when an idempotency key is reused with a different body.");
        l.add("");
        l.add("## Security");
        l.add("- OAuth 2.0 bearer tokens; the account in the path must belong to the caller.");
        l.add("- Personal data is encrypted at rest; logs carry ids, never documents or card numbers.");
        l.add("");
        l.add("## Observability");
        l.add("- Metrics: request rate, error rate and p95 latency per endpoint.");
        l.add("- Alerts: error rate above 2 % for 5 min; p95 above " + f.p95Ms + " ms for 10 min.");
        l.add("");
        l.add("## Alternatives considered");
        l.add("- Synchronous calls to every downstream system: rejected, it couples their availability to ours.");
        return new Draft(folder(Role.ARCHITECTURE) + "/designs/design-" + f.id + ".md", "design", Syntax.MARKDOWN, l);
    }

    private static Draft apiContract(Facts f) {
        List<String> l = f.header(Syntax.YAML, "API contract");
        l.add("openapi: 3.0.3");
        l.add("info:");
        l.add("  title: \"" + f.quotedTitle() + "\"");
        l.add("  version: 1.0.0");
        l.add("  x-card: " + f.id);
        l.add("paths:");
        l.add("  /v1/" + f.resource + ":");
        l.add("    post:");
        l.add("      operationId: create" + f.type);
        l.add("      parameters:");
        l.add("        - in: header");
        l.add("          name: Idempotency-Key");
        l.add("          required: true");
        l.add("          schema: { type: string, format: uuid }");
        l.add("      responses:");
        l.add("        '201': { description: created }");
        l.add("        '409': { description: idempotency key reused with a different body }");
        l.add("        '422': { description: validation failed }");
        l.add("  /v1/" + f.resource + "/{id}:");
        l.add("    get:");
        l.add("      operationId: get" + f.type);
        l.add("      responses:");
        l.add("        '200': { description: found }");
        l.add("        '404': { description: not found }");
        return new Draft(folder(Role.ARCHITECTURE) + "/contracts/api-" + f.id + ".yaml", "api-contract", Syntax.YAML, l);
    }

    private static Draft page(Facts f) {
        List<String> l = f.header(Syntax.TYPESCRIPT, "page");
        l.add("import { useState } from 'react';");
        l.add("import { api, ApiError } from '../api/client';");
        l.add("");
        l.add("type Status = 'idle' | 'submitting' | 'done' | 'failed';");
        l.add("");
        l.add("/** " + f.safeTitle + " (card " + f.id + "). */");
        l.add("export function " + f.type + "Page() {");
        l.add("  const [status, setStatus] = useState<Status>('idle');");
        l.add("  const [error, setError] = useState<string | null>(null);");
        l.add("");
        l.add("  async function submit(form: FormData) {");
        l.add("    setStatus('submitting');");
        l.add("    setError(null);");
        l.add("    try {");
        l.add("      await api.post('/v1/" + f.resource + "', Object.fromEntries(form), { idempotencyKey: crypto.randomUUID() });");
        l.add("      setStatus('done');");
        l.add("    } catch (e) {");
        l.add("      setError(e instanceof ApiError ? e.detail : 'Something went wrong. Please try again.');");
        l.add("      setStatus('failed');");
        l.add("    }");
        l.add("  }");
        l.add("");
        l.add("  return (");
        l.add("    <form aria-labelledby=\"" + f.slug + "-title\" action={submit}>");
        l.add("      <h1 id=\"" + f.slug + "-title\">{'" + f.quotedTitle().replace("'", "\\'") + "'}</h1>");
        l.add("      <label htmlFor=\"amount\">Amount</label>");
        l.add("      <input id=\"amount\" name=\"amount\" inputMode=\"decimal\" required />");
        l.add("      {error && <p role=\"alert\">{error}</p>}");
        l.add("      <button type=\"submit\" disabled={status === 'submitting'}>Confirm</button>");
        l.add("    </form>");
        l.add("  );");
        l.add("}");
        return new Draft(folder(Role.FRONTEND) + "/" + f.id + "/Page.tsx", "code", Syntax.TYPESCRIPT, l);
    }

    private static Draft pageTest(Facts f) {
        List<String> l = f.header(Syntax.TYPESCRIPT, "page tests");
        l.add("import { render, screen } from '@testing-library/react';");
        l.add("import userEvent from '@testing-library/user-event';");
        l.add("import { " + f.type + "Page } from './Page';");
        l.add("");
        l.add("describe('" + f.id + " " + f.quotedTitle().replace("'", "\\'") + "', () => {");
        l.add("  it('disables Confirm while the request runs', async () => {");
        l.add("    render(<" + f.type + "Page />);");
        l.add("    await userEvent.type(screen.getByLabelText('Amount'), '" + f.amount + "');");
        l.add("    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));");
        l.add("    expect(screen.getByRole('button', { name: 'Confirm' })).toBeDisabled();");
        l.add("  });");
        l.add("");
        l.add("  it('announces a refusal to screen readers', async () => {");
        l.add("    server.refuseNext('/v1/" + f.resource + "', 422, 'amount above the daily limit');");
        l.add("    render(<" + f.type + "Page />);");
        l.add("    await userEvent.click(screen.getByRole('button', { name: 'Confirm' }));");
        l.add("    expect(await screen.findByRole('alert')).toHaveTextContent('daily limit');");
        l.add("  });");
        l.add("});");
        return new Draft(folder(Role.FRONTEND) + "/" + f.id + "/Page.test.tsx", "test", Syntax.TYPESCRIPT, l);
    }

    private static Draft handler(Facts f) {
        List<String> l = f.header(Syntax.JAVA, "handler");
        l.add("package app." + f.javaPackage + ";");
        l.add("");
        l.add("import java.math.BigDecimal;");
        l.add("import java.util.Objects;");
        l.add("import java.util.Optional;");
        l.add("");
        l.add("/** " + f.safeTitle.replace("*/", "* /") + " (card " + f.id + "). */");
        l.add("public final class Handler {");
        l.add("");
        l.add("    private final Repository repository;");
        l.add("");
        l.add("    public Handler(Repository repository) {");
        l.add("        this.repository = Objects.requireNonNull(repository, \"repository\");");
        l.add("    }");
        l.add("");
        l.add("    /** Handles one request: 422 for a bad amount, the first result again for a repeated key. */");
        l.add("    public Response handle(Request request) {");
        l.add("        if (request.amount() == null || request.amount().signum() <= 0) {");
        l.add("            return new Response(422, \"amount must be positive\");");
        l.add("        }");
        l.add("        Optional<String> earlier = repository.findByIdempotencyKey(request.idempotencyKey());");
        l.add("        if (earlier.isPresent()) {");
        l.add("            return new Response(200, earlier.get());");
        l.add("        }");
        l.add("        return new Response(201, repository.save(request));");
        l.add("    }");
        l.add("");
        l.add("    public interface Repository {");
        l.add("        Optional<String> findByIdempotencyKey(String key);");
        l.add("");
        l.add("        String save(Request request);");
        l.add("    }");
        l.add("");
        l.add("    public record Request(String idempotencyKey, BigDecimal amount) {");
        l.add("    }");
        l.add("");
        l.add("    public record Response(int status, String body) {");
        l.add("    }");
        l.add("}");
        return new Draft(folder(Role.BACKEND) + "/" + f.id + "/Handler.java", "code", Syntax.JAVA, l);
    }

    private static Draft handlerTest(Facts f) {
        List<String> l = f.header(Syntax.JAVA, "handler tests");
        l.add("package app." + f.javaPackage + ";");
        l.add("");
        l.add("import static org.assertj.core.api.Assertions.assertThat;");
        l.add("");
        l.add("import java.math.BigDecimal;");
        l.add("import org.junit.jupiter.api.Test;");
        l.add("");
        l.add("class HandlerTest {");
        l.add("");
        l.add("    private final InMemoryRepository repository = new InMemoryRepository();");
        l.add("    private final Handler handler = new Handler(repository);");
        l.add("");
        l.add("    @Test");
        l.add("    void aRepeatedIdempotencyKeyCreatesOneOperation() {");
        l.add("        var request = new Handler.Request(\"key-" + f.slug + "\", new BigDecimal(\"" + f.amount + "\"));");
        l.add("        assertThat(handler.handle(request).status()).isEqualTo(201);");
        l.add("        assertThat(handler.handle(request).status()).isEqualTo(200);");
        l.add("        assertThat(repository.saved()).hasSize(1);");
        l.add("    }");
        l.add("");
        l.add("    @Test");
        l.add("    void aNonPositiveAmountIsRefused() {");
        l.add("        var request = new Handler.Request(\"key-zero\", BigDecimal.ZERO);");
        l.add("        assertThat(handler.handle(request).status()).isEqualTo(422);");
        l.add("    }");
        l.add("}");
        return new Draft(folder(Role.BACKEND) + "/" + f.id + "/HandlerTest.java", "test", Syntax.JAVA, l);
    }

    private static Draft testReport(Facts f) {
        List<String> l = f.header(Syntax.MARKDOWN, "test report");
        l.add("");
        l.add("## Scope");
        l.addAll(f.description());
        l.add("");
        l.add("## Environment");
        l.add("- Build under test: the approved work of " + (f.dependencies.isEmpty() ? "this card"
                : String.join(", ", f.dependencies)) + ".");
        l.add("- Browsers: Chromium and WebKit; API against the staging stack with seeded test accounts.");
        l.add("");
        l.add("## Results");
        l.add("| scenario | result | notes |");
        l.add("|----------|--------|-------|");
        l.add("| Happy path | passed | outcome shown in " + f.seconds + " s |");
        l.add("| Repeated request (same idempotency key) | passed | one operation created |");
        l.add("| Invalid input | passed | 422 with one error per field |");
        l.add("| Another customer's resource | passed | 404, nothing leaked |");
        l.add("| Downstream timeout | passed | friendly error, no partial state |");
        l.add("");
        l.add("## Summary");
        l.add(f.scenarios + " scenarios run, " + f.scenarios + " passed, 0 failed, 0 skipped.");
        return new Draft(folder(Role.QA) + "/reports/" + f.id + ".md", "test-report", Syntax.MARKDOWN, l);
    }

    private static Draft e2eSpec(Facts f) {
        List<String> l = f.header(Syntax.TYPESCRIPT, "end-to-end tests");
        l.add("import { test, expect } from '@playwright/test';");
        l.add("");
        l.add("test.describe('" + f.id + " " + f.quotedTitle().replace("'", "\\'") + "', () => {");
        l.add("  test('the happy path ends with the outcome shown', async ({ page }) => {");
        l.add("    await page.goto('/" + f.resource + "');");
        l.add("    await page.getByLabel('Amount').fill('" + f.amount + "');");
        l.add("    await page.getByRole('button', { name: 'Confirm' }).click();");
        l.add("    await expect(page.getByRole('status')).toHaveText(/done/i);");
        l.add("  });");
        l.add("");
        l.add("  test('a repeated request creates one operation', async ({ request }) => {");
        l.add("    const headers = { 'Idempotency-Key': 'e2e-" + f.slug + "' };");
        l.add("    const first = await request.post('/v1/" + f.resource + "', { headers, data: { amount: '" + f.amount + "' } });");
        l.add("    const again = await request.post('/v1/" + f.resource + "', { headers, data: { amount: '" + f.amount + "' } });");
        l.add("    expect(first.status()).toBe(201);");
        l.add("    expect(again.status()).toBe(200);");
        l.add("  });");
        l.add("});");
        return new Draft(folder(Role.QA) + "/tests/" + f.id + "/e2e.spec.ts", "test", Syntax.TYPESCRIPT, l);
    }

    private static Draft deployment(Facts f) {
        List<String> l = f.header(Syntax.YAML, "deployment");
        l.add("apiVersion: apps/v1");
        l.add("kind: Deployment");
        l.add("metadata:");
        l.add("  name: " + f.slug);
        l.add("  labels:");
        l.add("    app.kubernetes.io/name: " + f.slug);
        l.add("    orquestra.dev/card: " + f.id);
        l.add("spec:");
        l.add("  replicas: " + f.replicas);
        l.add("  strategy:");
        l.add("    rollingUpdate: { maxUnavailable: 0, maxSurge: 1 }");
        l.add("  selector:");
        l.add("    matchLabels: { app.kubernetes.io/name: " + f.slug + " }");
        l.add("  template:");
        l.add("    metadata:");
        l.add("      labels: { app.kubernetes.io/name: " + f.slug + " }");
        l.add("    spec:");
        l.add("      securityContext: { runAsNonRoot: true }");
        l.add("      containers:");
        l.add("        - name: app");
        l.add("          image: registry.example.com/" + f.slug + "@sha256:" + f.digest);
        l.add("          resources:");
        l.add("            requests: { cpu: 250m, memory: 256Mi }");
        l.add("            limits: { memory: 512Mi }");
        l.add("          readinessProbe:");
        l.add("            httpGet: { path: /health/ready, port: 8080 }");
        l.add("          env:");
        l.add("            - name: DB_PASSWORD");
        l.add("              valueFrom: { secretKeyRef: { name: " + f.slug + "-db, key: password } }");
        return new Draft(folder(Role.INFRA) + "/" + f.id + "/deployment.yaml", "manifest", Syntax.YAML, l);
    }

    private static Draft runbook(Facts f) {
        List<String> l = f.header(Syntax.MARKDOWN, "runbook");
        l.add("");
        l.add("## Deploy");
        l.add("1. Merge to main; the GitOps controller applies deployment.yaml within 3 minutes.");
        l.add("2. Watch the rollout: `kubectl rollout status deploy/" + f.slug + " --timeout=5m`.");
        l.add("3. Check the dashboard: error rate below 1 %, p95 below " + f.p95Ms + " ms.");
        l.add("");
        l.add("## Roll back");
        l.add("- `kubectl rollout undo deploy/" + f.slug + "`, then revert the commit so GitOps agrees.");
        l.add("");
        l.add("## Alerts");
        l.add("- " + f.slug + "-error-rate: above 2 % for 5 min pages the on-call engineer.");
        l.add("- " + f.slug + "-saturation: memory above 85 % of the limit for 15 min opens a ticket.");
        return new Draft(folder(Role.INFRA) + "/" + f.id + "/runbook.md", "runbook", Syntax.MARKDOWN, l);
    }

    // ------------------------------------------------------------------ facts

    /** A text quoted from outside with every red flag defused. */
    static String safe(String text) {
        return Placeholders.neutralize(text.replace('\r', ' ').replace('\n', ' '));
    }

    /** What the templates say about a card: names derived from its title, and the card's own numbers. */
    private static final class Facts {
        final String id;
        final int attempt;
        final CardSpec card;
        final String safeTitle;
        final String slug;
        final String resource;
        final String table;
        final String type;
        final String javaPackage;
        final List<String> dependencies;
        final int seconds;
        final int percent;
        final int timeoutMs;
        final int p95Ms;
        final int scenarios;
        final int replicas;
        final String amount;
        final String digest;

        Facts(CardSpec card, int attempt, Dice dice) {
            this.card = card;
            this.id = card.id().value();
            this.attempt = attempt;
            this.safeTitle = safe(card.title().isBlank() ? "card " + id : card.title());
            List<String> words = words(card.title());
            List<String> kept = words.stream().filter(w -> !FILLER.contains(w) && !w.matches("\\d+")).limit(3).toList();
            if (kept.isEmpty()) {
                kept = List.of(id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", ""));
            }
            this.slug = String.join("-", kept);
            this.resource = slug;
            this.table = slug.replace('-', '_');
            this.type = kept.stream().map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                    .reduce("", String::concat).replaceAll("[^A-Za-z0-9]", "");
            this.javaPackage = id.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
            this.dependencies = card.dependencies().stream().map(d -> d.value()).toList();
            this.seconds = dice.roll("seconds").between(2, 4);
            this.percent = dice.roll("percent").between(88, 96);
            this.timeoutMs = 500 * dice.roll("timeout").between(2, 6);
            this.p95Ms = 100 * dice.roll("p95").between(4, 9);
            this.scenarios = dice.roll("scenarios").between(8, 24);
            this.replicas = dice.roll("replicas").between(2, 4);
            this.amount = dice.roll("amount").between(10, 950) + ".00";
            StringBuilder hex = new StringBuilder();
            Dice digestDice = dice.roll("digest");
            for (int i = 0; i < 4; i++) {
                hex.append(String.format(Locale.ROOT, "%016x", digestDice.between(Long.MIN_VALUE, Long.MAX_VALUE)));
            }
            this.digest = hex.toString();
        }

        /** The first lines of every file: what it is, for which card, which attempt. */
        List<String> header(Syntax syntax, String what) {
            List<String> l = new ArrayList<>();
            String line1 = id + " · " + safeTitle;
            String line2 = "Card " + id + " · " + what + " · attempt " + attempt + " · owner " + card.owner()
                    + " · priority " + card.priority();
            String line3 = "Written by the simulated " + card.owner() + " owner of the Orquestra example squad.";
            if (syntax == Syntax.MARKDOWN) {
                l.add("# " + line1);
                l.add("> " + line2);
                l.add("> " + line3);
            } else {
                l.add(syntax.comment + line1);
                l.add(syntax.comment + line2);
                l.add(syntax.comment + line3);
            }
            return l;
        }

        String lowerTitle() {
            String t = safeTitle;
            return t.isEmpty() ? t : Character.toLowerCase(t.charAt(0)) + t.substring(1);
        }

        String quotedTitle() {
            return safeTitle.replace("\\", "/").replace("\"", "'");
        }

        List<String> description() {
            String text = card.description().isBlank() ? "As the title says: " + safeTitle + "."
                    : safe(card.description());
            return wrap(text, 100);
        }

        private static List<String> words(String title) {
            List<String> words = new ArrayList<>();
            for (String w : title.toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
                if (!w.isEmpty()) {
                    words.add(w);
                }
            }
            return words;
        }

        private static List<String> wrap(String text, int width) {
            List<String> lines = new ArrayList<>();
            StringBuilder line = new StringBuilder();
            for (String word : text.split(" +")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    lines.add(line.toString());
                    line.setLength(0);
                }
                if (line.length() > 0) {
                    line.append(' ');
                }
                line.append(word);
            }
            if (line.length() > 0) {
                lines.add(line.toString());
            }
            return lines;
        }
    }
}
