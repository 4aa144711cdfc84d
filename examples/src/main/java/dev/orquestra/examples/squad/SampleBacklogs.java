package dev.orquestra.examples.squad;

import dev.orquestra.testkit.Dice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the example app's sample backlog {@code backlogs/squad-120.json}: 120 cards of a
 * fictional digital wallet, in twelve epics, each running product → architecture → backend and
 * frontend → QA → infra, with dependencies across epics where one feature builds on another (payments
 * on the ledger, fraud on payments, reconciliation on payments and bills). The output is the same
 * bytes on every run; a test checks that the committed file matches it.
 *
 * <p>Run {@code main} to rewrite the file: {@code SampleBacklogs [directory]}, by default
 * {@code examples/backlogs} when run from the repository root, else {@code backlogs}.
 */
public final class SampleBacklogs {

    /** The file name of the 120-card backlog. */
    public static final String SQUAD_120 = "squad-120.json";

    private static final long POINTS_SEED = 120L;

    private SampleBacklogs() {
    }

    /** Writes {@value #SQUAD_120} into the directory given as the only argument, or the default one. */
    public static void main(String... args) throws IOException {
        Path dir;
        if (args.length > 0) {
            dir = Path.of(args[0]);
        } else {
            dir = Files.isDirectory(Path.of("examples", "backlogs")) ? Path.of("examples", "backlogs") : Path.of("backlogs");
        }
        Path file = write(dir);
        System.out.println("wrote " + file);
    }

    /** Writes {@value #SQUAD_120} into a directory and returns its path. */
    public static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(SQUAD_120);
        Files.writeString(file, squad120(), StandardCharsets.UTF_8);
        return file;
    }

    /** The content of {@value #SQUAD_120}: seed-format JSON, two-space indent, ending in a newline. */
    public static String squad120() {
        List<Card> cards = cards();
        StringBuilder json = new StringBuilder();
        json.append("{\n");
        json.append("  \"project\": ").append(quote("Vela Pay 1.0 - digital wallet and instant payments")).append(",\n");
        json.append("  \"cards\": [\n");
        for (int i = 0; i < cards.size(); i++) {
            Card c = cards.get(i);
            json.append("    {\n");
            field(json, "id", quote(c.id), true);
            field(json, "type", quote(c.type), true);
            field(json, "title", quote(c.title), true);
            field(json, "description", quote(c.description), true);
            field(json, "priority", quote(c.priority), true);
            List<String> deps = c.dependencies.stream().map(SampleBacklogs::quote).toList();
            field(json, "dependencies", "[" + String.join(", ", deps) + "]", true);
            field(json, "epic", quote(c.epic), true);
            field(json, "epic_title", quote(c.epicTitle), true);
            field(json, "story_points", Integer.toString(c.storyPoints), false);
            json.append("    }").append(i < cards.size() - 1 ? "," : "").append('\n');
        }
        json.append("  ],\n");
        json.append("  \"metadata\": {\n");
        json.append("    \"total_cards\": ").append(cards.size()).append(",\n");
        json.append("    \"epics\": ").append(EPICS.size()).append(",\n");
        json.append("    \"phase\": ").append(quote("Fase 1 - MVP")).append(",\n");
        json.append("    \"generated_by\": ").append(quote(SampleBacklogs.class.getName())).append('\n');
        json.append("  }\n");
        json.append("}\n");
        return json.toString();
    }

    private static void field(StringBuilder json, String name, String value, boolean more) {
        json.append("      ").append(quote(name)).append(": ").append(value).append(more ? ",\n" : "\n");
    }

    static String quote(String text) {
        StringBuilder q = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        q.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        q.append(ch);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    // ------------------------------------------------------------------ the cards

    private record Card(String id, String type, String title, String description, String priority,
                        List<String> dependencies, String epic, String epicTitle, int storyPoints) {
    }

    private record Epic(String code, String title, String entries) {
    }

    /** Assigns ids per role in backlog order and resolves the local dependency keys. */
    private static List<Card> cards() {
        Map<String, Integer> counters = new LinkedHashMap<>();
        Map<String, String> ids = new LinkedHashMap<>(); // "EP-01.b1" -> "BE-001"
        List<Card> cards = new ArrayList<>();
        for (Epic epic : EPICS) {
            for (String line : epic.entries.strip().split("\n")) {
                String[] parts = line.split("\\|");
                if (parts.length != 5) {
                    throw new IllegalStateException("bad entry in " + epic.code + ": " + line);
                }
                String key = parts[0].strip();
                String priority = priority(parts[1].strip());
                String title = parts[3].strip();
                String description = parts[4].strip();
                String prefix = prefix(key.charAt(0));
                int n = counters.merge(prefix, 1, Integer::sum);
                String id = String.format(java.util.Locale.ROOT, "%s-%03d", prefix, n);
                ids.put(epic.code + "." + key, id);
                List<String> deps = new ArrayList<>();
                String depText = parts[2].strip();
                if (!depText.isEmpty()) {
                    for (String dep : depText.split(",")) {
                        String ref = dep.strip();
                        String qualified = ref.contains(".") ? ref : epic.code + "." + ref;
                        String depId = ids.get(qualified);
                        if (depId == null) {
                            throw new IllegalStateException(id + " depends on " + qualified + ", not defined before it");
                        }
                        deps.add(depId);
                    }
                }
                int points = Dice.of(POINTS_SEED, id, 0, "plan").roll("story-points").pick(List.of(1, 2, 3, 5, 8));
                cards.add(new Card(id, type(prefix), title, description, priority, deps, epic.code, epic.title, points));
            }
        }
        return cards;
    }

    private static String prefix(char role) {
        return switch (role) {
            case 'p' -> "PROD";
            case 'a' -> "ARQ";
            case 'f' -> "FE";
            case 'b' -> "BE";
            case 'q' -> "QA";
            case 'i' -> "INFRA";
            default -> throw new IllegalStateException("unknown role letter " + role);
        };
    }

    private static String type(String prefix) {
        return switch (prefix) {
            case "PROD" -> "PRODUCT";
            case "ARQ" -> "ARCH";
            case "FE" -> "FRONTEND";
            case "BE" -> "BACKEND";
            default -> prefix;
        };
    }

    private static String priority(String letter) {
        return switch (letter) {
            case "C" -> "CRITICAL";
            case "H" -> "HIGH";
            case "M" -> "MEDIUM";
            case "L" -> "LOW";
            default -> throw new IllegalStateException("unknown priority letter " + letter);
        };
    }

    // One line per card: key | priority | dependencies (keys of this epic, or EP-nn.key) | title | description.
    // The key's letter is the role: p product, a architecture, b backend, f frontend, q QA, i infra.
    private static final List<Epic> EPICS = List.of(
            new Epic("EP-01", "Platform foundations", """
                    p1 | C |  | Product vision and MVP scope for Vela Pay | Who the wallet serves, the MVP feature set, launch markets and the regulatory perimeter of a payment institution.
                    a1 | C | p1 | Reference architecture for the Vela Pay platform | Service boundaries, synchronous and event-driven integration, data ownership, and the security baseline every service follows.
                    a2 | H | a1 | Event backbone and outbox pattern | Kafka topics, schema registry, and the transactional outbox for every service that publishes domain events.
                    i1 | C | a1 | Provision Kubernetes clusters and CI/CD pipelines | Staging and production clusters, GitOps deployment, and build pipelines with tests, static analysis and image signing.
                    b1 | C | a1, i1 | API gateway with OAuth 2.0 token validation | Edge routing, JWT validation, rate limits per client, and request ids propagated to every service.
                    b2 | H | a2, i1 | Transactional outbox library for domain events | A shared library that writes events in the same transaction as the state change and relays them to Kafka.
                    b3 | H | b1 | Idempotency-key middleware for write endpoints | Keeps the key with the response for 24 hours; a repeat gets the first response, a different body gets 409.
                    f1 | H | a1 | Design system and app shell | Shared components (buttons, forms, money input), theming, the navigation shell and an error boundary for the app.
                    q1 | H | b1, b3 | Contract test harness for platform APIs | Consumer-driven contract tests that run in CI for the gateway and the idempotency middleware.
                    i2 | H | i1, b1 | Observability stack: metrics, traces and logs | Prometheus, an OpenTelemetry collector, a log pipeline that masks personal data, and the first SLO dashboards.
                    """),
            new Epic("EP-02", "Onboarding and KYC", """
                    p1 | C |  | Customer onboarding and KYC requirements | Steps from download to an active account: personal data, document capture, selfie liveness, sanctions screening and consent.
                    a1 | C | p1, EP-01.a1 | Onboarding service design with KYC provider integration | The state machine of an application, calls to the document verification provider, retries, and the manual review queue.
                    b1 | C | a1, EP-01.b1, EP-01.b2 | Customer application API | Creates and updates an onboarding application, validates CPF, birth date and address, and emits ApplicationSubmitted.
                    b2 | H | b1 | Document and liveness verification adapter | Sends document images and the selfie to the KYC provider, stores the verdict, and handles callbacks and timeouts.
                    b3 | H | b1 | Sanctions and PEP screening | Screens the applicant against sanctions and PEP lists; a hit parks the application for manual review.
                    f1 | C | a1, b1, EP-01.f1 | Sign-up flow with personal data form | A multi-step form with inline validation, masked CPF input, saved progress, and resume on another device.
                    f2 | H | f1, b2 | Document capture and selfie screens | Camera capture with framing guides, retake, upload progress and a clear result screen.
                    q1 | H | f1, f2, b2, b3 | End-to-end tests of onboarding: approve, refuse, manual review | Happy path, rejected document, sanctions hit sent to manual review, and resume after closing the app.
                    q2 | M | b1, b2 | Privacy review of onboarding data flows (LGPD) | Checks consent capture, data minimisation, retention and the deletion path against the privacy requirements.
                    i1 | H | q1, q2 | Deploy onboarding services with secrets for the KYC provider | Manifests, secret references, egress rules to the provider, and alerts on verification latency.
                    """),
            new Epic("EP-03", "Authentication and devices", """
                    p1 | C |  | Login, device binding and step-up authentication | Password-less login with device binding, biometric unlock, and step-up for sensitive operations.
                    a1 | C | p1, EP-01.a1 | Identity and session architecture | Token lifetimes, refresh rotation, device keys, step-up challenges, and how services check them.
                    b1 | C | a1, EP-01.b1 | Login and token service | Issues access and refresh tokens after an OTP or device-key proof, rotates refresh tokens, and revokes them on logout.
                    b2 | C | b1 | Device binding and trusted device registry | Registers a device public key after an OTP, and lists, renames and removes trusted devices.
                    b3 | H | b2 | Step-up challenge for sensitive operations | Issues and checks a biometric or PIN challenge before transfers above the limit and before device changes.
                    f1 | C | a1, b1, EP-01.f1 | Login and OTP screens | Phone number entry, OTP input with a resend timer, error states, and lockout after repeated failures.
                    f2 | H | f1, b2, b3 | Trusted devices settings page | Lists trusted devices with their last use, renames and removes them, and confirms with step-up.
                    q1 | H | b1, b2, f1 | Security tests of login and session handling | Token replay, refresh rotation, OTP brute force, session fixation, and logout on every device.
                    q2 | H | b3, f2 | End-to-end tests of device binding and step-up | Binding a new device, step-up on a large transfer, and removing a device revokes its tokens.
                    i1 | H | q1, q2 | Deploy the identity services with HSM-backed signing keys | Key management, the rotation schedule, network policies, and alerts on authentication failures.
                    """),
            new Epic("EP-04", "Wallet ledger and balances", """
                    p1 | C |  | Wallet accounts, balances and limits | One BRL account per customer, available and blocked balance, daily and monthly limits, and account states.
                    a1 | C | p1, EP-01.a1, EP-01.a2 | Double-entry ledger design | Journal and postings, balance projections, consistency guarantees, and how corrections are posted.
                    a2 | H | a1 | Limits and holds model | How limits are counted, when holds are placed and released, and how they show in the available balance.
                    b1 | C | a1, EP-01.b2, EP-01.b3 | Ledger posting API | Posts balanced journal entries atomically, refuses unbalanced ones, and is idempotent by entry key.
                    b2 | C | b1 | Balance projection and balance query API | Keeps available and blocked balances per account from the postings and answers balance queries in under 50 ms.
                    b3 | H | a2, b1 | Holds and limits service | Places, captures and releases holds, and checks daily and monthly limits before a debit.
                    b4 | M | b1 | Account lifecycle: block, unblock, close | Account state changes with reasons, their effect on holds and incoming credits, and audit records.
                    f1 | H | a1, b2, EP-01.f1 | Home screen with balance and recent activity | Balance with hide and show, the last five movements, pull to refresh, and an offline banner.
                    f2 | M | f1, b3 | Limits settings page | Shows current limits and their use, lowers them at once, and requests raises.
                    q1 | C | b1, b2, b3 | Ledger consistency tests under concurrency | Parallel debits and credits on one account; the sum of the postings always equals the balance.
                    q2 | M | f1, f2 | End-to-end tests of balance and limits screens | The balance updates after a movement, limit use is shown correctly, and lowering a limit takes effect.
                    i1 | H | q1, q2 | Deploy the ledger with PostgreSQL high availability | A primary with a synchronous replica, backups with point-in-time recovery, and a failover drill.
                    """),
            new Epic("EP-05", "Instant payments: send", """
                    p1 | H | EP-04.p1 | Send money with instant payments | Send by key (phone, e-mail, CPF or random key) or by copy-and-paste code, with confirmation and a receipt.
                    p2 | M | p1 | Scheduled and recurring transfers | Schedule a transfer for a later date or repeat it monthly; edit or cancel it before it runs.
                    a1 | H | p1, EP-04.a1 | Instant payment send flow and central bank integration | Key lookup, payment initiation, the settlement message exchange, timeouts, and reversal on failure.
                    a2 | M | a1, p2 | Scheduler design for future-dated transfers | How scheduled transfers are stored, triggered at the right time, and retried without duplicates.
                    b1 | H | a1, EP-01.b1 | Key lookup (DICT) client with caching | Resolves a key to account data with rate limits, caching and protection against key scraping.
                    b2 | C | a1, b1, EP-04.b1, EP-04.b3 | Payment initiation and settlement service | Reserves funds, sends the payment order, posts to the ledger on settlement, and reverses on rejection.
                    b3 | H | b2 | Receipts and end-to-end ids | Generates receipts with the end-to-end id, stores them, and serves them as PDF and JSON.
                    b4 | M | a2, b2 | Scheduled transfer runner | Runs each due scheduled transfer once, checking limits at execution time.
                    f1 | H | a1, b1, b2, EP-03.f2 | Send money flow: key, amount, confirm | Key entry with contact suggestions, a recipient preview, amount input, review, and confirm with step-up.
                    f2 | M | f1, b3 | Receipt and share screen | Shows the receipt right after settlement, shares it as an image or PDF, and links to the statement.
                    q1 | C | f1, b2 | End-to-end tests of instant payments send | Successful send, a timeout at the recipient's bank, insufficient funds, limit exceeded, and duplicate submission.
                    q2 | M | b4, f2 | Tests of scheduled and recurring transfers | A transfer runs once on its date, a cancelled one never runs, and a failed one notifies the customer.
                    i1 | H | q1, q2 | Deploy instant payments with the network link to the central bank | mTLS certificates, dedicated egress, message queue sizing, and alerts on settlement latency.
                    """),
            new Epic("EP-06", "Instant payments: receive and QR codes", """
                    p1 | H | EP-04.p1 | Receive money with keys and QR codes | Register keys, show a static QR code, create a dynamic QR code with an amount, and get notified on receipt.
                    a1 | H | p1, EP-04.a1 | Receiving flow and key registry design | Key registration and portability, incoming payment messages, and crediting the ledger exactly once.
                    b1 | H | a1, EP-01.b1 | Key registration and portability API | Registers, removes and claims keys with the central directory and handles ownership disputes.
                    b2 | C | a1, EP-04.b1 | Incoming payment credit handler | Credits incoming payments to the ledger exactly once and answers the network within its time limit.
                    b3 | M | b1 | Dynamic QR code generation | Creates a dynamic QR payload with an amount and an expiry, signed as the standard requires.
                    f1 | H | a1, b1, EP-01.f1 | My keys page | Lists registered keys, adds a key with confirmation, and shows the status of portability claims.
                    f2 | M | f1, b3 | Charge with a QR code screen | Enter an amount, show the QR code and the copy-and-paste code, and update when it is paid.
                    q1 | H | b1, f1 | Tests of key registration and portability | Register, remove, claim from another bank, and a claim the customer refuses.
                    q2 | H | b2, f2 | End-to-end tests of receiving payments | A credit arrives once under retries, a QR payment with an amount, and an expired QR code refused.
                    i1 | M | q1, q2 | Deploy the receiving services | Scaling for peak hours, queue depth alerts, and the on-call runbook for late credits.
                    """),
            new Epic("EP-07", "Virtual cards", """
                    p1 | H | EP-04.p1 | Virtual debit cards | Issue a virtual card at once, show its details securely, freeze it, and set limits per card.
                    a1 | H | p1, EP-04.a1 | Card issuing integration with the processor | The card lifecycle at the processor, authorisation webhooks, and where card data lives (PCI scope).
                    a2 | H | a1 | PCI DSS scope and tokenisation design | Which components see card data, tokenisation, key management, and network segmentation.
                    b1 | H | a2, EP-01.b1 | Card issuing and lifecycle API | Creates, freezes, unfreezes and cancels cards through the processor, storing tokens only.
                    b2 | C | b1, EP-04.b3 | Authorisation webhook handler | Answers authorisation requests within 300 ms: checks balance and limits, places a hold, records the decision.
                    b3 | M | b2 | Card transaction clearing and settlement | Captures holds from clearing files and handles partial captures, refunds and expired holds.
                    f1 | H | a1, b1, EP-03.f2 | Card screen with secure details reveal | Shows the card and reveals number and CVV through the processor's secure frame after step-up.
                    f2 | M | f1, b2 | Card controls: freeze and limits | Freezes and unfreezes at once, sets limits per card, and shows recent card transactions.
                    q1 | C | b2, f2 | Authorisation tests: approve, decline, timeout | Enough funds, insufficient funds, a frozen card, a processor timeout, and a duplicate authorisation.
                    q2 | H | b1, b3 | PCI scope verification | Checks that no service outside the scope logs or stores card numbers, scanning logs and databases.
                    i1 | H | q1, q2 | Deploy card services in the segmented PCI network | A separate namespace and network policies, key rotation, and audit logging for the PCI zone.
                    """),
            new Epic("EP-08", "Bill payments", """
                    p1 | M | EP-04.p1 | Pay bills by barcode | Scan or type a bill's barcode, see the amount and due date, and pay now or schedule.
                    a1 | M | p1, EP-04.a1 | Bill payment flow and clearing house integration | Barcode validation, bill lookup at the clearing house, payment, and the rules for late payment.
                    b1 | M | a1, EP-01.b1 | Barcode parsing and bill lookup | Validates the check digits, decodes amount and due date, and looks the bill up at the clearing house.
                    b2 | H | b1, EP-04.b1, EP-04.b3 | Bill payment execution | Debits the ledger, pays through the clearing house, reverses on refusal, and stores the receipt.
                    f1 | M | a1, b1, EP-01.f1 | Scan and review a bill | A camera barcode scanner with manual entry, the bill's details, and the interest on late bills.
                    f2 | M | f1, b2 | Bill payment confirmation and receipt | Confirm with step-up for large amounts, the receipt screen, and scheduling for the due date.
                    q1 | M | b1, f1 | Tests of barcode parsing | Valid, wrong check digit, expired bill, bill with a discount, and bill with interest.
                    q2 | H | b2, f2 | End-to-end tests of paying a bill | Pay now, schedule, refusal at the clearing house with reversal, and prevention of duplicate payment.
                    i1 | M | q1, q2 | Deploy bill payments | The batch window for the clearing house, retries, and alerts on failed submissions.
                    """),
            new Epic("EP-09", "Statements and history", """
                    p1 | M | EP-04.p1 | Transaction history and monthly statements | A searchable history of every movement, filters, and a monthly statement as PDF.
                    a1 | M | p1, EP-04.a1 | Statement read model design | A read model built from ledger events, search indexes, and PDF generation off the request path.
                    b1 | M | a1, EP-04.b2 | Transaction history API with filters | Paged history by date, type and amount, consistent with the ledger within seconds.
                    b2 | L | b1 | Monthly statement PDF generation | Generates statements at month end, stores them, and serves them through signed links.
                    f1 | M | a1, b1, EP-01.f1 | Activity page with search and filters | Infinite scroll, filters by type and date, search by name or amount, and movement details.
                    f2 | L | f1, b2 | Statements page | Lists the monthly statements and downloads them as PDF.
                    q1 | M | b1, f1 | Tests of history consistency with the ledger | Every posting shows once, in order, with the right sign, after retries and reversals.
                    q2 | L | b2, f2 | Tests of statement generation | Month boundaries, time zones, empty months, and very active accounts.
                    i1 | L | q1, q2 | Deploy history and statements | Search cluster sizing, the nightly statement job, and storage lifecycle rules.
                    """),
            new Epic("EP-10", "Fraud and risk", """
                    p1 | H | EP-05.p1 | Fraud prevention for payments | Score outgoing payments, block or challenge risky ones, and let analysts review the cases.
                    a1 | H | p1, EP-05.a1 | Real-time risk scoring architecture | Features from payment and device events, a scoring service in the payment path, and a case queue.
                    b1 | H | a1, EP-05.b2 | Risk scoring service | Scores a payment in under 100 ms from rules and a model, and answers allow, challenge or block.
                    b2 | M | b1 | Fraud case management API | Creates cases from blocked payments, assigns them, records decisions, and reports to the regulator.
                    f1 | M | a1, b2, EP-01.f1 | Fraud analyst case queue | The queue of open cases with payment, device and history, and approve or refuse actions.
                    q1 | H | b1 | Tests of risk decisions | Known fraud patterns are blocked, normal payments pass, and a passed challenge resumes the payment.
                    q2 | M | b2, f1 | End-to-end tests of the case workflow | A blocked payment opens a case, the analyst refuses it, and the customer is notified.
                    i1 | H | q1, q2 | Deploy risk scoring with low-latency guarantees | Pod priority, dedicated nodes, a circuit breaker that allows by default, and latency alerts.
                    """),
            new Epic("EP-11", "Notifications", """
                    p1 | L |  | Push, e-mail and in-app notifications | Which events notify the customer, on which channel, and the preferences they can set.
                    a1 | L | p1, EP-01.a2 | Notification service design | Consumes domain events, renders templates, respects preferences, and retries per channel.
                    b1 | M | a1, EP-01.b2 | Notification dispatcher | Sends push and e-mail from domain events with templates, preferences and deduplication.
                    f1 | L | a1, b1, EP-01.f1 | Notification preferences page | Toggles per event type and channel, and quiet hours.
                    f2 | L | f1 | In-app inbox | The list of notifications with unread state and links to the related screen.
                    q1 | L | b1, f1, f2 | Tests of notification delivery | Each event is sent once per channel, preferences are respected, and templates render in Portuguese.
                    i1 | L | q1 | Deploy notifications with provider credentials | Push and e-mail provider secrets, sending rate limits, and bounce handling.
                    """),
            new Epic("EP-12", "Back-office and reconciliation", """
                    p1 | M |  | Back-office for operations and support | Customer lookup, account actions with approval, and an audit trail for every action.
                    p2 | H | p1, EP-04.p1 | Daily reconciliation and regulatory reports | Match ledger totals with settlement and clearing reports every day, and produce the regulator's reports.
                    a1 | M | p1, p2, EP-01.a1 | Back-office architecture and access control | A separate app with SSO, role-based access, four-eyes approval, and a full audit trail.
                    b1 | H | a1, EP-05.b2, EP-08.b2 | Reconciliation jobs | Matches ledger postings with instant payment settlement and bill clearing reports, and raises breaks.
                    b2 | M | a1, EP-04.b4 | Back-office API with four-eyes approval | Customer lookup, and account actions that take effect once a second operator approves them.
                    f1 | M | a1, b2 | Back-office customer lookup | Search by CPF, phone or account; the customer's profile, accounts and recent activity.
                    f2 | M | f1, b1 | Reconciliation breaks dashboard | The daily status, breaks with their age, and resolution with a comment.
                    q1 | H | b1, f2 | Tests of reconciliation | Matching, missing settlement, duplicate settlement and amount mismatch each produce the right break.
                    q2 | M | b2, f1 | Access control tests of the back-office | Roles see only what they may, actions need approval, and every action is audited.
                    i1 | M | q1, q2 | Deploy the back-office behind SSO and VPN | An identity-aware proxy, an IP allow-list, and audit log shipping.
                    i2 | M | i1, b1 | Schedule reconciliation jobs and report delivery | Cron schedules, retries, alerts on breaks, and secure delivery of the reports to the regulator.
                    """));
}
