package dev.orquestra.examples.squad;

import dev.orquestra.Role;
import java.util.List;

/**
 * The realistic texts the simulated squad says when something goes wrong: owners' errors, the
 * judge's critiques with their advice, QA's findings, and the debugger's root causes and
 * suggestions. None contains a red-flag word, so quoting them in a correction never fails
 * verification.
 */
final class Findings {

    /** A critique or finding with the feedback topic and advice that go with it. */
    record Finding(String reason, String topic, String advice) {
    }

    private Findings() {
    }

    /** What can make an owner's call fail, per role: errors that repeat on every retry of the attempt. */
    static List<String> ownerErrors(Role role) {
        return switch (role.name()) {
            case "PRODUCT" -> List.of(
                    "model response was cut off at the output token limit (stop_reason=max_tokens) before the "
                            + "requirements table was complete",
                    "model returned invalid JSON for the requirements outline: unexpected end of input at position 2214");
            case "ARCHITECTURE" -> List.of(
                    "openapi lint failed: paths./v1/*.post.responses must contain at least one 2xx response",
                    "model returned invalid JSON for the component outline: Unexpected token '}' at position 1834");
            case "FRONTEND" -> List.of(
                    "npm run build failed: TS2322: Type 'string | undefined' is not assignable to type 'string' "
                            + "(Page.tsx:41:9)",
                    "npm test failed: Cannot find module '../api/client' from 'Page.test.tsx'",
                    "eslint failed: 4 errors (react-hooks/exhaustive-deps) in Page.tsx");
            case "BACKEND" -> List.of(
                    "mvn -q test failed: COMPILATION ERROR Handler.java:[27,21] cannot find symbol: class LedgerClient",
                    "mvn -q test failed: tests do not compile: HandlerTest.java:[14,17] cannot find symbol: "
                            + "class InMemoryRepository",
                    "mvn -q verify failed: 2 tests failed in HandlerTest (expected status 201 but was 500)");
            case "QA" -> List.of(
                    "playwright failed to start: browser context crashed: net::ERR_CONNECTION_REFUSED at "
                            + "http://localhost:3000/login",
                    "npx playwright test timed out after 30000 ms waiting for getByRole('button', { name: 'Confirm' })");
            case "INFRA" -> List.of(
                    "kubectl apply --dry-run=server failed: admission webhook \"validate.kyverno.svc\" denied the "
                            + "request: resources.limits.cpu is required",
                    "helm template failed: parse error at templates/deployment.yaml:23: function \"toYml\" not defined");
            default -> throw new IllegalArgumentException("the simulated squad has no role " + role);
        };
    }

    /** The LLM judge's critiques of a role's work. */
    static List<Finding> critiques(Role role) {
        return switch (role.name()) {
            case "PRODUCT" -> List.of(
                    new Finding("Acceptance criteria are not testable: 'fast' and 'simple' have no thresholds",
                            "acceptance-criteria", "State each criterion as Given/When/Then with a number: latency, "
                            + "limit or error code."),
                    new Finding("The spec mixes two features and has no explicit out-of-scope list", "scope",
                            "Split the second feature into its own card and list the non-goals."),
                    new Finding("Success metrics cannot be measured from the events the product emits", "metrics",
                            "Name the event and the query behind each metric."),
                    new Finding("No mention of the regulatory requirements (KYC/AML, LGPD consent) that apply",
                            "compliance", "Add a compliance section reviewed with the risk team."));
            case "ARCHITECTURE" -> List.of(
                    new Finding("Design lacks an error-handling section for the write path: timeouts, retries and "
                            + "idempotency are not specified", "error-handling",
                            "Specify timeouts, which errors are retried, and how repeats are detected."),
                    new Finding("Data model does not say which service owns the balance or how it stays consistent",
                            "data-model", "Name the owner of each table and the consistency model between them."),
                    new Finding("API contract has no error responses (4xx/5xx) and no Idempotency-Key header",
                            "contract", "Add problem+json error responses and the Idempotency-Key header to every "
                            + "write."),
                    new Finding("No metrics, traces or alerts are defined for the new flow", "observability",
                            "Define the RED metrics per endpoint and the alerts with their thresholds."));
            case "FRONTEND" -> List.of(
                    new Finding("Loading, empty and error states are missing; the page shows nothing while the "
                            + "request runs", "states", "Render a state for idle, submitting, done and failed."),
                    new Finding("Errors are announced by colour only; form fields lack accessible labels",
                            "accessibility", "Label every field and announce errors with role=alert."),
                    new Finding("Tests cover the happy path only; validation errors and retries are untested",
                            "tests", "Add tests for a 422 response and for a retry after a network error."),
                    new Finding("Amounts are formatted with toFixed(2) instead of the locale's currency format",
                            "i18n", "Format money with Intl.NumberFormat and the account's currency."));
            case "BACKEND" -> List.of(
                    new Finding("Write endpoint is not idempotent: a retried request with the same Idempotency-Key "
                            + "creates a second transfer", "idempotency",
                            "Store the key with the response and return it for repeats."),
                    new Finding("Amounts are handled as double; fee calculation shows rounding errors", "money",
                            "Use BigDecimal or minor units in a long, with an explicit rounding mode."),
                    new Finding("Balance check and debit are not atomic; the concurrent debit case is untested",
                            "concurrency", "Debit with a conditional update and add a concurrent test."),
                    new Finding("Input validation is missing for zero and negative amounts", "validation",
                            "Refuse non-positive amounts with 422 before touching the ledger."));
            case "QA" -> List.of(
                    new Finding("Test plan does not cover the reversal and timeout paths", "coverage",
                            "Add scenarios for a reversal and for a downstream timeout."),
                    new Finding("Tests share fixtures and fail when run in parallel", "isolation",
                            "Create the accounts each test needs in its own setup."),
                    new Finding("End-to-end steps assert on the page title only, not on the resulting balance",
                            "assertions", "Assert on the balance and the ledger entry after each flow."));
            case "INFRA" -> List.of(
                    new Finding("Deployment sets no CPU requests, so the scheduler cannot place it reliably",
                            "resources", "Set CPU and memory requests from the load test's figures."),
                    new Finding("Readiness probe checks / instead of the health endpoint; pods get traffic before "
                            + "they are warm", "probes", "Point readiness at /health/ready and add a startup probe."),
                    new Finding("No rollback plan in the runbook for a failed migration", "rollout",
                            "Document the rollback, including the database migration's down step."));
            default -> throw new IllegalArgumentException("the simulated squad has no role " + role);
        };
    }

    /** QA's findings on a role's work: failing functional tests and security issues. */
    static List<Finding> qaFindings(Role role) {
        return switch (role.name()) {
            case "PRODUCT" -> List.of(
                    new Finding("Functional: acceptance criterion 3 contradicts criterion 1 (limit per day vs per "
                            + "transaction)", "consistency", "Decide which limit applies and restate both criteria."),
                    new Finding("Functional: story 2 has no acceptance criteria for the failure path", "failure-path",
                            "Add criteria for refusal, timeout and duplicate submission."));
            case "ARCHITECTURE" -> List.of(
                    new Finding("Security: the new public endpoint has no rate limiting and no threat model",
                            "threat-model", "Add a STRIDE table and per-client rate limits."),
                    new Finding("Functional: the contract's response schema does not match the design's data model",
                            "contract-drift", "Generate the schema from the data model or test them against each "
                            + "other."));
            case "FRONTEND" -> List.of(
                    new Finding("Functional: Confirm stays enabled after the first click; a double click sends two "
                            + "requests", "double-submit", "Disable Confirm while submitting and reuse the "
                            + "idempotency key."),
                    new Finding("Security: the access token is kept in localStorage, readable by any injected "
                            + "script", "token-storage", "Keep tokens in memory and refresh via an httpOnly cookie."),
                    new Finding("Functional: an amount of 0.00 is accepted and a success screen is shown",
                            "validation", "Validate the amount before submitting and show the field error."));
            case "BACKEND" -> List.of(
                    new Finding("Functional: POST returns 500 when the amount has three decimal places (expected "
                            + "422)", "validation", "Validate the scale of amounts and answer 422."),
                    new Finding("Security: the card number (PAN) is written to the application log in plain text",
                            "pii-logging", "Mask PANs in logs and add a log-scanning test."),
                    new Finding("Functional: concurrent debits of one account overdraw the balance (2 of 50 runs)",
                            "race", "Make the balance check and the debit one conditional update."),
                    new Finding("Security: the endpoint does not check that the account belongs to the caller "
                            + "(IDOR)", "authorization", "Check ownership of the account on every request."));
            case "QA" -> List.of(
                    new Finding("Functional: 2 of 14 scenarios are flaky (they pass on a rerun), so the green "
                            + "report is unreliable", "flakiness", "Replace fixed waits with web-first assertions."),
                    new Finding("Security: no negative tests for authorization (another customer's resources)",
                            "authorization-tests", "Add tests that access another customer's resources and expect "
                            + "404."));
            case "INFRA" -> List.of(
                    new Finding("Security: the container runs as root (runAsNonRoot is not enforced for the init "
                            + "container)", "run-as-root", "Set runAsNonRoot and a numeric runAsUser on every "
                            + "container."),
                    new Finding("Functional: the smoke test after deploy failed: /health returned 503 for 90 s",
                            "smoke-test", "Raise the startup probe's threshold and warm the connection pool."),
                    new Finding("Security: the image is not pinned to a digest in the staging overlay",
                            "image-pinning", "Pin every image to its digest in every overlay."));
            default -> throw new IllegalArgumentException("the simulated squad has no role " + role);
        };
    }

    /** The kinds of repeated failure the debugger recognises, with what it concludes and suggests. */
    enum Cause {
        PLACEHOLDER("the owner leaves scaffolding where the spec leaves a detail open, and regenerating the "
                + "file brings the same gap back",
                List.of("Answer the open question in the card's description before regenerating.",
                        "Add a self-check that greps the output for placeholder markers before submitting.",
                        "Generate the section from the approved design instead of from the title.")),
        BUILD("the owner's build or lint step fails the same way every time; regenerating the output does not "
                + "change what breaks it",
                List.of("Run the failing command locally with the generated files and fix the first error only.",
                        "Pin the toolchain versions the generator assumes (compiler, linter, test runner).",
                        "Generate the missing helper first and reference it explicitly.")),
        SECURITY("the security finding comes from a pattern the owner reuses, so each revision copies it",
                List.of("Fix the shared snippet the owner copies, not only this file.",
                        "Add a regression test that fails on the finding.",
                        "Add the rule to the owner's checklist for every card of this epic.")),
        FUNCTIONAL("the failing scenario is outside what the owner tests, so the fix is never exercised before "
                + "submitting",
                List.of("Reproduce the failing scenario as a test before changing the code.",
                        "Add the scenario to the card's acceptance criteria.",
                        "Check the dependency's contract; the failure may come from its side.")),
        DESIGN("the reviewer keeps asking for a section the owner's template does not have",
                List.of("Add the missing section to the template, with the reviewer's advice as its outline.",
                        "Write the section from the feedback first, then regenerate the rest.",
                        "Ask the architect of the epic for the decision the section needs."));

        final String explanation;
        final List<String> suggestions;

        Cause(String explanation, List<String> suggestions) {
            this.explanation = explanation;
            this.suggestions = suggestions;
        }

        /** The kind of a repeated reason, judged by its words. */
        static Cause of(String reason) {
            if (reason.contains("placeholder text")) {
                return PLACEHOLDER;
            }
            if (reason.startsWith("owner failed") || reason.contains(" failed: ") && !reason.startsWith("Functional")
                    && !reason.startsWith("Security")) {
                return BUILD;
            }
            if (reason.startsWith("Security")) {
                return SECURITY;
            }
            if (reason.startsWith("Functional")) {
                return FUNCTIONAL;
            }
            return DESIGN;
        }
    }
}
