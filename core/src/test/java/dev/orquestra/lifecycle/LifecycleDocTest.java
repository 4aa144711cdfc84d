package dev.orquestra.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orquestra.CardStatus;
import dev.orquestra.CardTransition;
import dev.orquestra.internal.lifecycle.CardRecording;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/lifecycle.md} is rendered from {@link CardTransition} and {@link CardRecording}; this test fails when the page
 * and the table differ. Regenerate with
 * {@code mvn -pl core test -Dtest=LifecycleDocTest -Dorquestra.updateDocs=true}.
 */
class LifecycleDocTest {

    private static final Path PAGE = Path.of("..", "docs", "lifecycle.md");

    static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Card lifecycle\n\n")
                .append("<!-- Generated from dev.orquestra.CardTransition and CardRecording by LifecycleDocTest; do not edit by hand. -->\n\n")
                .append("Every card moves only along these transitions. The card entity applies events through\n")
                .append("`CardState.apply`, which refuses any other move with an `IllegalTransitionException`;\n")
                .append("nothing invalid is ever persisted. DONE, ABORTED and CANCELLED are terminal.\n\n")
                .append("```mermaid\nstateDiagram-v2\n")
                .append("    [*] --> TODO\n");
        for (CardTransition t : CardTransition.values()) {
            md.append("    ").append(t.from()).append(" --> ").append(t.to()).append(": ").append(t.reason()).append('\n');
        }
        for (CardStatus s : CardStatus.values()) {
            if (s.isTerminal()) {
                md.append("    ").append(s).append(" --> [*]\n");
            }
        }
        md.append("```\n\n| from | to | when |\n|---|---|---|\n");
        for (CardTransition t : CardTransition.values()) {
            md.append("| ").append(t.from()).append(" | ").append(t.to()).append(" | ").append(t.reason()).append(" |\n");
        }
        md.append("\nStatuses: ")
                .append(Stream.of(CardStatus.values()).map(s -> "`" + s + "`").collect(Collectors.joining(", ")))
                .append(".\n\nEvents that record without moving the card, and the statuses in which each is allowed\n")
                .append("(`CardState.apply` refuses them in any other):\n\n| event | allowed in | when |\n|---|---|---|\n");
        for (CardRecording r : CardRecording.values()) {
            md.append("| `").append(r.eventName()).append("` | ")
                    .append(r.allowedIn().stream().map(CardStatus::name).collect(Collectors.joining(", ")))
                    .append(" | ").append(r.reason()).append(" |\n");
        }
        md.append('\n')
                .append("A correction (`CorrectionStarted`) is refused once the card has made its maximum number of\n")
                .append("attempts; only a reviewer's clarification (`HumanDecided` with `REQUEST_CLARIFICATION`)\n")
                .append("grants another.\n");
        return md.toString();
    }

    @Test
    void lifecyclePageMatchesTheTable() throws IOException {
        String expected = render();
        if (Boolean.getBoolean("orquestra.updateDocs")) {
            Files.writeString(PAGE, expected, StandardCharsets.UTF_8);
        }
        assertThat(PAGE).as("docs/lifecycle.md is stale; regenerate it (see this test's javadoc)").exists();
        assertThat(Files.readString(PAGE, StandardCharsets.UTF_8)).isEqualTo(expected);
    }
}
