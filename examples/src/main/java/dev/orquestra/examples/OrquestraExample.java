package dev.orquestra.examples;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The example app's command line: {@code ./orquestra-example <command>}. Exit codes: 0 ok, 2 bad
 * input, 1 failure. Bad input is reported as a message naming what is wrong, never a stack trace.
 * Everything it prints, logs included, goes through {@link TerminalText}, so that control characters in
 * a backlog or an argument reach the terminal escaped, never raw.
 */
@Command(name = "orquestra-example", mixinStandardHelpOptions = true, version = "Orquestra example 0.1.0-SNAPSHOT",
        description = "Runs backlogs of work cards through a simulated squad of AI agents with Orquestra.",
        subcommands = {RunCommand.class, StatusCommand.class, ReviewCommand.class, ExportCommand.class,
                ValidateCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Start with './orquestra-example run': the 120-card sample backlog,",
                "in ./orquestra-data. Exit codes: 0 ok, 2 bad input, 1 failure."})
public final class OrquestraExample {

    /** Exit code of a successful command. */
    public static final int OK = 0;
    /** Exit code of a command that failed for a reason other than its input. */
    public static final int FAILURE = 1;
    /** Exit code of a command refused because of bad input. */
    public static final int BAD_INPUT = 2;

    public static void main(String[] args) {
        // the logs (logback writes to whatever System.err is when it writes) and any stack trace as well
        System.setOut(new PrintStream(TerminalText.guard(System.out), true, charsetOf("stdout")));
        System.setErr(new PrintStream(TerminalText.guard(System.err), true, charsetOf("stderr")));
        System.exit(run(args));
    }

    /** The charset the JVM chose for a standard stream, so that guarding it changes no character. */
    private static Charset charsetOf(String stream) {
        for (String property : new String[] {stream + ".encoding", "sun." + stream + ".encoding"}) {
            String name = System.getProperty(property);
            if (name != null && Charset.isSupported(name)) {
                return Charset.forName(name);
            }
        }
        return Charset.defaultCharset();
    }

    /** Runs the command line on the process's stdout and stderr and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line on the given streams and returns its exit code (tests use this). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new OrquestraExample());
        cli.setOut(TerminalText.guard(out));
        cli.setErr(TerminalText.guard(err));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExitCodeExceptionMapper(e -> e instanceof CommandFailure f ? f.exitCode() : FAILURE);
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            PrintWriter errors = c.getErr();
            if (e instanceof CommandFailure f) {
                errors.println(c.getCommandName() + ": " + f.getMessage());
                errors.flush();
                return f.exitCode();
            }
            // anything else is a bug or an environment problem worth its stack trace
            errors.println(c.getCommandName() + " failed: " + e);
            e.printStackTrace(errors);
            errors.flush();
            return FAILURE;
        });
        return cli.execute(args);
    }
}
