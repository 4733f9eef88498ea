package dev.warmup.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * The tool subcommands beside the server run ({@code replay}, {@code export}). A command that fails on its input (a file it
 * cannot read or parse, a value it refuses) says so in one line and exits with 1; anything else is a bug and keeps
 * its stack trace.
 */
final class Subcommands {
    private Subcommands() {}

    static void register(CommandLine cli) {
        cli.addSubcommand(new dev.warmup.server.replay.ReplayCommand());
        cli.addSubcommand(new dev.warmup.server.trace.ExportCommand());
        cli.setExecutionExceptionHandler((e, line, parsed) -> { // picocli asks the top command's handler
            if (!(e instanceof IOException || e instanceof UncheckedIOException
                    || e instanceof IllegalArgumentException)) {
                throw e;
            }
            StringBuilder message = new StringBuilder(line.getCommandName()).append(": ").append(e.getMessage());
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c.getMessage() != null && !message.toString().contains(c.getMessage())) {
                    message.append(": ").append(c.getMessage());
                } else if (c instanceof java.nio.file.FileSystemException) { // its message is just the path
                    message.append(" (").append(c.getClass().getSimpleName()).append(')');
                }
            }
            line.getErr().println(message);
            return 1;
        });
    }
}
