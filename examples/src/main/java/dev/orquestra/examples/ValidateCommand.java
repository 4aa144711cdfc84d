package dev.orquestra.examples;

import dev.orquestra.Backlog;
import dev.orquestra.BacklogException;
import dev.orquestra.BacklogProblem;
import dev.orquestra.CardSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code validate --backlog FILE}: checks a backlog without running it. A valid backlog prints one
 * summary line (exit 0); a bad one prints every problem on stderr, one per line, each starting with
 * the card id it concerns or {@code line:column} for malformed JSON (exit 2). The backlog is found as
 * {@code run} finds it ({@link BacklogSource#locate}): a file, or a bundled sample by its bare name.
 */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Checks a backlog_master.json without running it.")
final class ValidateCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--backlog", required = true, paramLabel = "FILE",
            description = "the backlog to check; a bundled sample by name: squad-120.json or hello.json")
    private Path backlog;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        BacklogSource.Located located = BacklogSource.locate(backlog);
        String label = TerminalText.escape(located.label());
        try {
            Backlog b = located.read();
            TreeSet<String> roles = new TreeSet<>();
            b.cards().forEach(c -> roles.add(c.owner().name()));
            out.printf("OK %s: project '%s', %d cards, roles %s, longest dependency chain %d%n", label,
                    TerminalText.escape(b.project()), b.cards().size(), TerminalText.escape(String.join(",", roles)),
                    b.longestChain());
            return OrquestraExample.OK;
        } catch (BacklogException e) {
            for (BacklogProblem p : e.problems()) {
                err.println(TerminalText.escape(p.toString()));
            }
            err.printf("%s: refused, %d problem%s%n", label, e.problems().size(), e.problems().size() == 1 ? "" : "s");
            return OrquestraExample.BAD_INPUT;
        } catch (NoSuchFileException e) {
            err.println(label + ": no such file");
            return OrquestraExample.BAD_INPUT;
        } catch (IOException e) {
            err.println(label + ": cannot be read: " + e.getMessage());
            return OrquestraExample.FAILURE;
        }
    }
}
