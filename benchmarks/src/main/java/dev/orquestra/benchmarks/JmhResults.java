package dev.orquestra.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns JMH's JSON result file ({@code -rf json -rff FILE}) into RESULT lines, one per benchmark and
 * parameter set: {@code RESULT bench=jmh benchmark=CardStateBenchmark.happyPath param=cards:10000
 * score=X error=E unit=ns/op ...}, so {@code benchmarks/run} collects JMH figures like the others.
 */
public final class JmhResults {

    private JmhResults() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: JmhResults JMH_RESULT.json");
            System.exit(2);
        }
        for (ResultLine r : read(Path.of(args[0]))) {
            System.out.println(r.line());
        }
    }

    static List<ResultLine> read(Path file) throws IOException {
        List<ResultLine> out = new ArrayList<>();
        for (JsonNode b : new ObjectMapper().readTree(file.toFile())) {
            String name = b.path("benchmark").asText();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            StringBuilder params = new StringBuilder();
            for (Map.Entry<String, JsonNode> p : b.path("params").properties()) {
                params.append(params.length() == 0 ? "" : ",").append(p.getKey()).append(':').append(p.getValue().asText());
            }
            JsonNode m = b.path("primaryMetric");
            ResultLine r = new ResultLine("jmh").text("journal", "none").text("benchmark", name)
                    .text("param", params.length() == 0 ? "none" : params.toString())
                    .number("score", m.path("score").asDouble(), 3).number("error", m.path("scoreError").asDouble(), 3)
                    .text("unit", m.path("scoreUnit").asText().replace(' ', '_')).text("mode", b.path("mode").asText())
                    .number("forks", b.path("forks").asInt()).number("iterations", b.path("measurementIterations").asInt())
                    .text("jmh", b.path("jmhVersion").asText()).text("status", "ok");
            out.add(r);
        }
        return out;
    }
}
