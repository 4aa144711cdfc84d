package dev.orquestra.persistence.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An append-only record of every call the simulated squad received, one idempotency key per line,
 * with a {@code # segment} line each time a process opens it. Each line is one {@code write} to the
 * file, so a SIGKILL loses nothing already written (the page cache outlives the process) and at worst
 * leaves a partial last line, which {@link #read} ignores. It shows what at-least-once delivery did:
 * how many times each key was called, and which calls a restart made again.
 */
final class CallLog implements AutoCloseable {

    static final String FILE = "calls.log";
    private static final String SEGMENT = "# segment ";

    private final FileChannel channel;

    private CallLog(FileChannel channel) {
        this.channel = channel;
    }

    /** Opens the log in a data directory and marks the start of a new segment (process). */
    static CallLog open(Path dataDir) {
        try {
            Files.createDirectories(dataDir);
            FileChannel channel = FileChannel.open(dataDir.resolve(FILE), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            CallLog log = new CallLog(channel);
            log.append(SEGMENT + ProcessHandle.current().pid());
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Records one call. */
    void called(String idempotencyKey) {
        append(idempotencyKey);
    }

    private synchronized void append(String line) {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }

    /** The calls of one process, in the order they were received. */
    record Segment(String pid, List<String> keys) {
    }

    /** Every complete line of a data directory's log, by segment. */
    static List<Segment> read(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        if (!Files.exists(file)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Segment> segments = new ArrayList<>();
        String pid = "?";
        List<String> keys = new ArrayList<>();
        int start = 0;
        for (int end = text.indexOf('\n'); end >= 0; start = end + 1, end = text.indexOf('\n', start)) {
            String line = text.substring(start, end);
            if (line.startsWith(SEGMENT)) {
                if (!keys.isEmpty() || !pid.equals("?")) {
                    segments.add(new Segment(pid, keys));
                }
                pid = line.substring(SEGMENT.length());
                keys = new ArrayList<>();
            } else if (!line.isEmpty()) {
                keys.add(line);
            }
        }
        segments.add(new Segment(pid, keys));
        return segments;
    }

    /**
     * What a crashed run's calls were, against an uninterrupted run's: the at-least-once cost.
     *
     * @param keys               distinct keys the crashed run called
     * @param extraCalls         calls beyond the uninterrupted run's count of the same key
     * @param keysRedone         keys called more often than in the uninterrupted run
     * @param extraByStage       extra calls by stage ({@code owner}, a check, {@code debugger})
     * @param recalledPerProcess for each process, how many keys it called that an earlier process had called
     * @param fewer              keys called fewer times than in the uninterrupted run (work lost)
     * @param unexpected         keys the uninterrupted run never called (work that should not exist)
     */
    record Comparison(int keys, int extraCalls, int keysRedone, Map<String, Integer> extraByStage,
                      List<Integer> recalledPerProcess, List<String> fewer, List<String> unexpected) {
    }

    static Comparison compare(List<Segment> crashed, List<Segment> uninterrupted) {
        Map<String, Integer> got = counts(crashed);
        Map<String, Integer> want = counts(uninterrupted);
        int extraCalls = 0;
        int keysRedone = 0;
        Map<String, Integer> byStage = new TreeMap<>();
        List<String> unexpected = new ArrayList<>();
        for (Map.Entry<String, Integer> e : got.entrySet()) {
            if (!want.containsKey(e.getKey())) {
                unexpected.add(e.getKey());
            }
            int extra = e.getValue() - want.getOrDefault(e.getKey(), 0);
            if (extra > 0) {
                extraCalls += extra;
                keysRedone++;
                byStage.merge(e.getKey().substring(e.getKey().lastIndexOf('/') + 1), extra, Integer::sum);
            }
        }
        List<String> fewer = new ArrayList<>();
        want.forEach((key, n) -> {
            if (got.getOrDefault(key, 0) < n) {
                fewer.add(key + " called " + got.getOrDefault(key, 0) + " times, uninterrupted " + n);
            }
        });
        Set<String> seen = new HashSet<>();
        List<Integer> recalled = new ArrayList<>();
        for (Segment s : crashed) {
            Set<String> again = new HashSet<>(s.keys());
            again.retainAll(seen);
            recalled.add(again.size());
            seen.addAll(s.keys());
        }
        return new Comparison(got.size(), extraCalls, keysRedone, byStage, recalled, fewer, unexpected);
    }

    /** How many times each key was called over all segments. */
    static Map<String, Integer> counts(List<Segment> segments) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Segment s : segments) {
            for (String key : s.keys()) {
                counts.merge(key, 1, Integer::sum);
            }
        }
        return counts;
    }
}
