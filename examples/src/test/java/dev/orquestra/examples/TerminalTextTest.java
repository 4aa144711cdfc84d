package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What reaches the terminal: control characters escaped, layout and ordinary text untouched. */
class TerminalTextTest {

    private static final char ESC = 0x1b;

    @Test
    void textFromOutsideHasEveryControlCharacterEscapedLineBreaksToo() {
        assertThat(TerminalText.escape("Vela Pay 1.0 - conciliação")).isEqualTo("Vela Pay 1.0 - conciliação");
        assertThat(TerminalText.escape("red " + ESC + "[31mtext" + ESC + "[0m"))
                .isEqualTo("red \\u001b[31mtext\\u001b[0m");
        assertThat(TerminalText.escape("a\0b\u0007c\bd\u007fe\u009bf")).isEqualTo("a\\u0000b\\u0007c\\u0008d\\u007fe\\u009bf");
        assertThat(TerminalText.escape("line\nfake: progress\r\t")).isEqualTo("line\\u000afake: progress\\u000d\\u0009");
        assertThat(TerminalText.escape("BE-\u202e1-EQ\u2066")).isEqualTo("BE-\\u202e1-EQ\\u2066");
        assertThat(TerminalText.escape(null)).isEqualTo("null");
    }

    @Test
    void theGuardedWriterKeepsLayoutAndEscapesTheRest() {
        StringWriter text = new StringWriter();
        PrintWriter out = TerminalText.guard(new PrintWriter(text));
        out.println("title: " + ESC + "]0;pwned" + '\u0007');
        out.print("\r[####] 12/120\t$1.00");
        out.write('\0');
        out.write(new char[] {'x', ESC, 'y'}, 0, 3);
        out.flush();

        assertThat(text.toString()).isEqualTo("title: \\u001b]0;pwned\\u0007" + System.lineSeparator()
                + "\r[####] 12/120\t$1.00\\u0000x\\u001by");
    }

    @Test
    void theGuardedStreamEscapesSingleByteControlsAndUtf8C1ButNotOtherCharacters() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = TerminalText.guard(bytes)) {
            out.write(("log " + ESC + "[2J ção \u009b31m ok\n").getBytes(StandardCharsets.UTF_8));
            out.write(0x7f);
            out.write(0xc2); // '©', one byte at a time
            out.write(0xa9);
            out.write(0xc2); // NEL, a C1 control, one byte at a time
            out.write(0x85);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("log \\u001b[2J ção \\u009b31m ok\n\\u007f©\\u0085");
    }
}
