package dev.warmup.server.trace;

import dev.warmup.server.store.RecordedHistory;
import dev.warmup.server.store.UsageStore;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code export}: the recorded history of a data directory as a JSONL trace, without an editor (what
 * {@code warmup.exportTrace} writes from a running server), for {@code replay --format jsonl}. The store is only read,
 * so the editors' servers may go on using it meanwhile.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Writes the usage history recorded in a data directory as a JSONL trace (gzip- or "
                + "xz-compressed when OUT ends in .gz or .xz), readable by you only, for replay --format jsonl: "
                + "what the predictor would have saved you against keep-alive timers.",
                "  java -jar warmup-server.jar export mine.jsonl.gz",
                "  java -jar warmup-server.jar replay --trace mine.jsonl.gz --format jsonl --policy all"})
public final class ExportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin RecordedHistory history;

    @Parameters(paramLabel = "OUT", description = "The trace file to write; it must not exist yet.")
    Path out;

    @Override
    public Integer call() throws IOException {
        Path store = history.store();
        long events;
        try {
            events = TraceExporter.write(out, sink -> UsageStore.readEvents(store, sink));
        } catch (SQLException e) {
            throw new IOException("reading " + store + ": " + e.getMessage(), e);
        }
        spec.commandLine().getOut().println("exported " + events + " events from " + store + " to " + out);
        return 0;
    }
}
