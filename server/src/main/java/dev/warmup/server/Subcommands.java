package dev.warmup.server;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The tool subcommands beside the server run ({@code replay}, {@code export}, {@code forget}), and how every
 * command line meets bad input: in one line that starts with WMP-8014. A command that fails on its input (a file it
 * cannot read or parse, a value it refuses) exits with 1; an option picocli cannot parse, or one the command refuses
 * before starting, exits with 2 and is followed by the usage. Anything else is a bug and keeps its stack trace.
 */
final class Subcommands {
    private Subcommands() {}

    static void register(CommandLine cli) {
        cli.addSubcommand(new dev.warmup.server.replay.ReplayCommand());
        cli.addSubcommand(new dev.warmup.server.trace.ExportCommand());
        cli.addSubcommand(new dev.warmup.server.store.ForgetCommand());
        cli.setParameterExceptionHandler((e, args) -> { // set after the subcommands, so that they have it too
            CommandLine line = e.getCommandLine();
            PrintWriter err = line.getErr();
            err.println(refused(line, e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
            line.usage(err);
            return line.getCommandSpec().exitCodeOnInvalidInput();
        });
        cli.setExecutionExceptionHandler((e, line, parsed) -> { // picocli asks the top command's handler
            if (!(e instanceof IOException || e instanceof UncheckedIOException
                    || e instanceof IllegalArgumentException)) {
                throw e;
            }
            StringBuilder message = new StringBuilder(e.getMessage());
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c.getMessage() != null && !message.toString().contains(c.getMessage())) {
                    message.append(": ").append(c.getMessage());
                } else if (c instanceof java.nio.file.FileSystemException) { // its message is just the path
                    message.append(" (").append(c.getClass().getSimpleName()).append(')');
                }
            }
            line.getErr().println(refused(line, message.toString()));
            return 1;
        });
    }

    /** {@code WMP-8014 Command-line input refused: replay: what was wrong}. */
    static String refused(CommandLine line, String message) {
        return new WarmupException(ErrorCode.WMP_8014, line.getCommandName() + ": " + message).getMessage();
    }
}
