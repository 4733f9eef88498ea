package dev.warmup.server;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One run of {@code java -jar warmup-server.jar ARGS}, in process: its exit code and what it printed. */
record CliRun(int code, String out, String err) {
    /** The start of the one line a refused command line prints. */
    static final String REFUSED = "WMP-8014 Command-line input refused: ";

    static CliRun of(String... args) {
        CommandLine cli = new CommandLine(new Main());
        Subcommands.register(cli);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new CliRun(cli.execute(args), out.toString(), err.toString());
    }
}
