package com.example.embedding;

import dev.orquestra.Artifact;
import dev.orquestra.CardSpec;
import dev.orquestra.Verdict;
import dev.orquestra.spi.Submission;
import dev.orquestra.spi.Validator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.CompletionHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The review stage: reads each document without blocking a thread (an asynchronous file channel)
 * and passes it when it is the card's own: it opens with the card's title, names the card and is more
 * than a heading. A failing verdict's reasons go back to the writer in the next attempt's work order.
 */
final class DocReviewer implements Validator {

    static final String STAGE = "review";

    @Override
    public CompletionStage<Verdict> validate(Submission submission) {
        List<Artifact> docs = submission.artifacts().stream().filter(a -> a.type().equals("doc")).toList();
        if (docs.isEmpty()) {
            return CompletableFuture.completedFuture(Verdict.fail(STAGE, "no document was submitted"));
        }
        return read(Path.of(docs.get(0).location())).thenApply(text -> judge(submission.card(), text));
    }

    private static Verdict judge(CardSpec card, String text) {
        List<String> problems = new ArrayList<>();
        if (!text.startsWith("# " + card.title() + "\n")) {
            problems.add("the document does not open with the card's title");
        }
        if (!text.contains(card.id().value())) {
            problems.add("the document does not name its card " + card.id());
        }
        if (text.lines().filter(line -> !line.isBlank()).count() < 2) {
            problems.add("the document is only a heading");
        }
        return problems.isEmpty() ? Verdict.pass(STAGE) : Verdict.fail(STAGE, problems.toArray(String[]::new));
    }

    /** Reads a small file; the stage completes on the channel's thread, or exceptionally when the file cannot be read. */
    private static CompletableFuture<String> read(Path file) {
        CompletableFuture<String> text = new CompletableFuture<>();
        try {
            AsynchronousFileChannel channel = AsynchronousFileChannel.open(file, StandardOpenOption.READ);
            ByteBuffer buffer = ByteBuffer.allocate((int) channel.size());
            readFrom(channel, buffer, text);
        } catch (IOException e) {
            text.completeExceptionally(e);
        }
        return text;
    }

    private static void readFrom(AsynchronousFileChannel channel, ByteBuffer buffer, CompletableFuture<String> text) {
        channel.read(buffer, buffer.position(), null, new CompletionHandler<Integer, Void>() {
            @Override
            public void completed(Integer count, Void ignored) {
                if (count >= 0 && buffer.hasRemaining()) {
                    readFrom(channel, buffer, text); // a short read: ask for the rest
                    return;
                }
                close(channel);
                text.complete(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
            }

            @Override
            public void failed(Throwable e, Void ignored) {
                close(channel);
                text.completeExceptionally(e);
            }
        });
    }

    private static void close(AsynchronousFileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // the file was only read; nothing is lost if closing it fails
        }
    }
}
