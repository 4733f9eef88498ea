package dev.warmup.server;

import picocli.CommandLine;

/** The tool subcommands beside the server run (e.g. {@code replay}). */
final class Subcommands {
    private Subcommands() {}

    static void register(CommandLine cli) {
        cli.addSubcommand(new dev.warmup.server.replay.ReplayCommand());
    }
}
