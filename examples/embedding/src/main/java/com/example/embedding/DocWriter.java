package com.example.embedding;

import dev.orquestra.Artifact;
import dev.orquestra.CardId;
import dev.orquestra.CardSpec;
import dev.orquestra.Usage;
import dev.orquestra.spi.BlockingAgent;
import dev.orquestra.spi.WorkOrder;
import dev.orquestra.spi.WorkResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The owner agent of the WRITER role: writes a card's document as a Markdown file. File I/O blocks,
 * so the application registers it wrapped in {@code Agent.blocking(...)}, which runs it on the
 * engine's bounded executor, never on an actor thread. Writing the same file again is harmless, so
 * a call repeated after a crash (same idempotency key) needs no special care.
 */
final class DocWriter implements BlockingAgent {

    /** What the model behind a real writer would charge, in USD per million tokens. */
    private static final BigDecimal INPUT_PRICE = new BigDecimal("3.00");
    private static final BigDecimal OUTPUT_PRICE = new BigDecimal("15.00");

    private final Path directory;

    DocWriter(Path directory) {
        this.directory = directory;
    }

    @Override
    public WorkResult perform(WorkOrder order) throws IOException {
        CardSpec card = order.card();
        String text = "# " + card.title() + "\n\n"
                + card.description() + "\n\n"
                + (card.dependencies().isEmpty() ? "" : "Builds on: " + card.dependencies().stream()
                        .map(CardId::value).collect(Collectors.joining(", ")) + "\n\n")
                + "_Card " + card.id() + ", attempt " + order.attempt() + "._\n";
        Files.createDirectories(directory);
        Path file = directory.resolve(card.id().value() + ".md");
        Files.writeString(file, text, StandardCharsets.UTF_8);

        long inputTokens = 300 + card.description().length() / 4;
        long outputTokens = text.length() / 4;
        BigDecimal cost = INPUT_PRICE.multiply(BigDecimal.valueOf(inputTokens))
                .add(OUTPUT_PRICE.multiply(BigDecimal.valueOf(outputTokens)))
                .movePointLeft(6);
        Artifact document = Artifact.of("doc", file.toString()).withContentHash(sha256(text));
        return WorkResult.succeeded(List.of(document), new Usage(inputTokens, outputTokens, cost));
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
