package dev.orquestra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Card ids: what is accepted, and that a refused id is named with its control characters escaped, so
 * that printing the message (a CLI, a log viewed in a terminal) cannot drive the terminal.
 */
class CardIdTest {

    private static final char ESC = 0x1b;
    private static final String RULE = "letters, digits, '.', '_' and '-', starting with a letter or digit";

    @Test
    void plainIdsAreAccepted() {
        assertThat(CardId.of("ARQ-001").value()).isEqualTo("ARQ-001");
        assertThat(CardId.of("a.b_c-9").prefix()).isEqualTo("a.b_c");
    }

    @Test
    void anIdWithAControlCharacterIsRefusedWithTheIdEscaped() {
        assertThatThrownBy(() -> CardId.of("BE-1" + ESC + "[2J"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("card id 'BE-1\\u001b[2J' holds a control character; an id may hold only " + RULE);
        assertThat(CardId.problemWith("BE-1\0")).contains(
                "card id 'BE-1\\u0000' holds a control character; an id may hold only " + RULE);
        assertThat(CardId.problemWith("BE-1\u007f")).get().asString().contains("'BE-1\\u007f'");
        assertThat(CardId.problemWith("BE-1\u009b31m")).get().asString().contains("'BE-1\\u009b31m'");
        assertThat(CardId.problemWith("BE-1\r\nQA-1")).get().asString().contains("'BE-1\\u000d\\u000aQA-1'");
        // a right-to-left override reorders what the reader sees
        assertThat(CardId.problemWith("BE-\u202e1-EQ")).get().asString().contains("'BE-\\u202e1-EQ'");
    }

    @Test
    void aLongIdIsNamedByItsFirstCharactersEscaped() {
        String id = "BE-" + ESC + "]0;owned" + "x".repeat(CardId.MAX_LENGTH);
        assertThat(CardId.problemWith(id)).get().asString()
                .startsWith("card id 'BE-\\u001b]0;ownedxxxxxxxx...' is longer than 128 characters")
                .doesNotContain(String.valueOf(ESC));
    }

    @Test
    void anIdWithOtherForbiddenCharactersKeepsItsMessage() {
        assertThat(CardId.problemWith("BE 5")).contains("card id 'BE 5' may hold only " + RULE);
    }

    @Test
    void aBacklogWithSuchAnIdIsRefusedNamingItEscaped() {
        String json = "{\"project\": \"p\", \"cards\": [{\"id\": \"BE-1\\u001b[31m\", \"owner\": \"BACKEND\"}]}";
        assertThatThrownBy(() -> BacklogReader.standard().read(new ByteArrayInputStream(
                json.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOfSatisfying(BacklogException.class, e -> assertThat(e.problems())
                        .extracting(Object::toString).anySatisfy(p -> assertThat(p)
                                .contains("id: card id 'BE-1\\u001b[31m' holds a control character")
                                .doesNotContain(String.valueOf(ESC))));
    }
}
