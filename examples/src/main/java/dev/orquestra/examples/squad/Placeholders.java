package dev.orquestra.examples.squad;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The red-flag vocabulary shared by the owners, who sometimes leave placeholder text, and
 * verification, which must catch it: {@code TODO}, {@code TBD} and {@code FIXME} as upper-case
 * words, and {@code lorem ipsum} in any case. Owners pass every text they quote (titles, rejection
 * reasons, diagnoses) through {@link #neutralize(String)} so that quoting a finding never becomes one.
 */
final class Placeholders {

    /** One red flag: its name as reported, and how it is found. */
    enum Flag {
        TODO("TODO", Pattern.compile("\\bTODO\\b")),
        TBD("TBD", Pattern.compile("\\bTBD\\b")),
        FIXME("FIXME", Pattern.compile("\\bFIXME\\b")),
        LOREM_IPSUM("lorem ipsum", Pattern.compile("(?i)\\blorem\\s+ipsum\\b"));

        private final String text;
        private final Pattern pattern;

        Flag(String text, Pattern pattern) {
            this.text = text;
            this.pattern = pattern;
        }

        /** The flag as a reason names it. */
        String text() {
            return text;
        }
    }

    /** A red flag found on a line (from 1). */
    record Finding(Flag flag, int line) {
    }

    private Placeholders() {
    }

    /** Every red flag of the text, line by line, in order. */
    static List<Finding> find(String text) {
        List<Finding> found = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            for (Flag flag : Flag.values()) {
                if (flag.pattern.matcher(lines[i]).find()) {
                    found.add(new Finding(flag, i + 1));
                }
            }
        }
        return found;
    }

    /** The text with every red flag defused (lower case, or hyphenated), so quoting it is safe. */
    static String neutralize(String text) {
        String out = text;
        for (Flag flag : Flag.values()) {
            Matcher m = flag.pattern.matcher(out);
            out = flag == Flag.LOREM_IPSUM ? m.replaceAll("lorem-ipsum") : m.replaceAll(flag.text.toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }
}
