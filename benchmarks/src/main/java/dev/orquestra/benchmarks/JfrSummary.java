package dev.orquestra.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went, from a JFR recording's execution samples: the hottest methods by self time and
 * by inclusive time (a method counted once per sample that has it anywhere on the stack), overall and
 * for Orquestra's own code.
 *
 * <pre>
 * java -cp ... dev.orquestra.benchmarks.JfrSummary target/bench/e2e.jfr [--top 40]
 * </pre>
 *
 * <p>The harnesses record their measured window only ({@code --jfr FILE}, see {@link #start}), so the
 * warm-up and the set-up stay out of the profile. Run the JVM with
 * {@code -XX:FlightRecorderOptions=stackdepth=512}: Pekko's stacks are deep, and JFR's default of 64
 * frames cuts off the callers that matter.
 */
public final class JfrSummary {

    private JfrSummary() {
    }

    /** Starts a recording of the profile settings with 1 ms method sampling; stop it with {@link #stop}. */
    static Recording start() throws IOException, java.text.ParseException {
        Map<String, String> settings = new HashMap<>(Configuration.getConfiguration("profile").getSettings());
        settings.put("jdk.ExecutionSample#period", "1 ms");
        Recording r = new Recording(settings);
        r.setName("orquestra-benchmark");
        r.start();
        return r;
    }

    /** Stops the recording and writes it to {@code file}; null-safe. */
    static void stop(Recording r, Path file) throws IOException {
        if (r == null) {
            return;
        }
        r.stop();
        r.dump(file);
        r.close();
        System.err.println("# JFR recording of the measured window: " + file + " (summary: JfrSummary " + file + ")");
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JfrSummary FILE.jfr [--top N]");
            System.exit(2);
        }
        int top = args.length >= 3 && args[1].equals("--top") ? Integer.parseInt(args[2]) : 40;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            String thread = e.getThread("sampledThread") == null ? "?" : e.getThread("sampledThread").getJavaName();
            threads.merge(thread == null ? "?" : thread.replaceAll("-\\d+$", "-N"), 1, Integer::sum);
            List<RecordedFrame> frames = st.getFrames();
            self.merge(name(frames.get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : frames) {
                String n = name(f);
                if (seen.add(n)) {
                    inclusive.merge(n, 1, Integer::sum);
                }
            }
        }
        System.out.println("# " + samples + " execution samples in " + args[0]
                + (samples > 0 && samples < 2000 ? " (few samples: read the shares as rough)" : ""));
        print("threads", threads, samples, top, k -> true);
        print("self time, all code", self, samples, top, k -> true);
        print("inclusive time, dev.orquestra", inclusive, samples, top, k -> k.startsWith("dev.orquestra.")
                && !k.startsWith("dev.orquestra.benchmarks."));
        print("inclusive time, pekko persistence and journals", inclusive, samples, top,
                k -> k.startsWith("org.apache.pekko.persistence") || k.startsWith("org.h2") || k.startsWith("slick")
                        || k.startsWith("org.postgresql") || k.startsWith("com.fasterxml"));
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int samples, int top,
                              java.util.function.Predicate<String> filter) {
        System.out.println("## " + title);
        counts.entrySet().stream().filter(e -> filter.test(e.getKey()))
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(top)
                .forEach(e -> System.out.printf(Locale.ROOT, "%6.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }
}
