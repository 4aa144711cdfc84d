package dev.orquestra.examples;

import java.io.FilterOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Keeps what the app prints from driving the terminal it is printed on. A backlog's project, titles
 * and ids, a reviewer's name or a path can hold control characters (ESC starts the sequences that
 * move the cursor, recolour, retitle the window or clear the screen; NUL, BEL and backspace hide or
 * fake text; bidirectional controls reorder it). {@link #escape} writes each as <code>&#92;u001b</code>
 * (Java style, four hex digits) in text taken from outside; {@link #guard(PrintWriter)} and
 * {@link #guard(OutputStream)} do the same for everything else the app, picocli and the logs print,
 * except the line breaks and tabs that lay the output out, and {@code \r}, which redraws the progress
 * bar.
 */
final class TerminalText {

    private TerminalText() {
    }

    /** Text from outside (a backlog, an argument) with every control character escaped, line breaks too. */
    static String escape(String text) {
        if (text == null) {
            return "null";
        }
        int i = 0;
        while (i < text.length() && !isControl(text.charAt(i))) {
            i++;
        }
        if (i == text.length()) {
            return text;
        }
        StringBuilder s = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            appendEscaped(s, text.charAt(i), true);
        }
        return s.toString();
    }

    /** A writer that escapes control characters other than layout ({@code \n}, {@code \r}, {@code \t}). */
    static PrintWriter guard(PrintWriter out) {
        return new PrintWriter(new EscapingWriter(out), true);
    }

    /**
     * A stream for {@code System.out} and {@code System.err}, which the logs and any stack trace are
     * written to, that escapes the single-byte controls (C0 other than layout, DEL) and the two-byte
     * UTF-8 encoding of the C1 controls ({@code 0xC2 0x80..0x9F}); other bytes pass unchanged.
     */
    static OutputStream guard(OutputStream out) {
        return new EscapingStream(out);
    }

    /**
     * C0, DEL, C1, and the invisible characters that reorder or hide text: the Arabic letter mark,
     * zero-width characters, the left-to-right and right-to-left marks, the line and paragraph
     * separators, the bidirectional embeddings, overrides and isolates, and the byte-order mark.
     */
    static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x061c || (c >= 0x200b && c <= 0x200f)
                || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0xfeff;
    }

    private static boolean isLayout(char c) {
        return c == '\n' || c == '\r' || c == '\t';
    }

    private static void appendEscaped(StringBuilder s, char c, boolean layoutToo) {
        if (isControl(c) && (layoutToo || !isLayout(c))) {
            s.append("\\u").append(HEX[(c >> 12) & 0xf]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                    .append(HEX[c & 0xf]);
        } else {
            s.append(c);
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** Escapes controls other than layout in whatever passes through. */
    private static final class EscapingWriter extends FilterWriter {

        EscapingWriter(Writer out) {
            super(out);
        }

        @Override
        public void write(int c) throws IOException {
            char ch = (char) c;
            if (isControl(ch) && !isLayout(ch)) {
                StringBuilder s = new StringBuilder(6);
                appendEscaped(s, ch, false);
                out.write(s.toString());
            } else {
                out.write(c);
            }
        }

        @Override
        public void write(char[] chars, int off, int len) throws IOException {
            write(new String(chars, off, len), 0, len);
        }

        @Override
        public void write(String text, int off, int len) throws IOException {
            int end = off + len;
            int from = off;
            for (int i = off; i < end; i++) {
                char c = text.charAt(i);
                if (isControl(c) && !isLayout(c)) {
                    out.write(text, from, i - from);
                    StringBuilder s = new StringBuilder(6);
                    appendEscaped(s, c, false);
                    out.write(s.toString());
                    from = i + 1;
                }
            }
            out.write(text, from, end - from);
        }
    }

    /** The byte-level counterpart of {@link EscapingWriter}, for streams that carry UTF-8. */
    private static final class EscapingStream extends FilterOutputStream {

        private static final int NONE = -1;
        private int pendingLead = NONE; // a 0xC2 byte whose next byte decides whether it starts a C1 control

        EscapingStream(OutputStream out) {
            super(out);
        }

        @Override
        public synchronized void write(int b) throws IOException {
            b &= 0xff;
            if (pendingLead != NONE) {
                pendingLead = NONE;
                if (b >= 0x80 && b <= 0x9f) {
                    escaped(b);
                    return;
                }
                out.write(0xc2);
            }
            if (b == 0xc2) {
                pendingLead = b;
            } else if (mustEscape(b)) {
                escaped(b);
            } else {
                out.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] bytes, int off, int len) throws IOException {
            int from = off;
            for (int i = off; i < off + len; i++) {
                int b = bytes[i] & 0xff;
                if (pendingLead == NONE && b != 0xc2 && !mustEscape(b)) {
                    continue; // the common case: copied in runs below
                }
                out.write(bytes, from, i - from);
                write(b);
                from = i + 1;
            }
            out.write(bytes, from, off + len - from);
        }

        @Override
        public synchronized void flush() throws IOException {
            // a lead byte waiting for its second byte stays back: writing it alone would split a character
            out.flush();
        }

        @Override
        public synchronized void close() throws IOException {
            if (pendingLead != NONE) {
                out.write(pendingLead);
                pendingLead = NONE;
            }
            super.close();
        }

        private static boolean mustEscape(int b) {
            return (b < 0x20 && b != '\n' && b != '\r' && b != '\t') || b == 0x7f;
        }

        private void escaped(int code) throws IOException {
            out.write(new byte[] {'\\', 'u', '0', '0', (byte) HEX[code >> 4], (byte) HEX[code & 0xf]});
        }
    }
}
