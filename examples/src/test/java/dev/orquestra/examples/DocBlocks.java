package dev.orquestra.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Checks that a guide shows only code that compiles: each of its Java and XML blocks is found, line for line, in a source. */
final class DocBlocks {

    private static final Pattern BLOCK = Pattern.compile("```(java|xml)\\n(.*?)```", Pattern.DOTALL);

    private DocBlocks() {
    }

    /** Asserts that every Java and XML block of the guide is in one of the sources, and that there are at least {@code min}. */
    static void assertEveryBlockIsIn(Path guide, List<Path> sources, int min) throws IOException {
        List<List<String>> texts = new ArrayList<>();
        for (Path source : sources) {
            texts.add(normalized(Files.readString(source, StandardCharsets.UTF_8)));
        }
        Matcher m = BLOCK.matcher(Files.readString(guide, StandardCharsets.UTF_8));
        int blocks = 0;
        while (m.find()) {
            List<String> block = normalized(m.group(2));
            blocks++;
            assertThat(texts).as("a %s block of %s is not in the sources it comes from:%n%s", m.group(1),
                    guide.getFileName(), m.group(2)).anyMatch(text -> Collections.indexOfSubList(text, block) >= 0);
        }
        assertThat(blocks).as("code blocks in %s", guide.getFileName()).isGreaterThanOrEqualTo(min);
    }

    /** The Java sources under a directory, in a stable order. */
    static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The lines, stripped, without blank ones: indentation and spacing between blocks do not matter. */
    private static List<String> normalized(String text) {
        return text.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
