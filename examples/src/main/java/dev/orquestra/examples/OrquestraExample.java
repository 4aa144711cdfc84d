package dev.orquestra.examples;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The example app's command line: {@code ./orquestra-example <command>}. Exit codes: 0 ok, 2 bad
 * input, 1 failure. Bad input is reported as a message naming what is wrong, never a stack trace.
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
        System.exit(run(args));
    }

    /** Runs the command line on the process's stdout and stderr and returns its exit code. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /** Runs the command line on the given streams and returns its exit code (tests use this). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new OrquestraExample());
        cli.setOut(out);
        cli.setErr(err);
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
