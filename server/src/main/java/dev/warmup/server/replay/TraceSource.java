package dev.warmup.server.replay;

import java.io.IOException;
import java.nio.file.Path;

/** Reads a trace file into users' time-ordered events (one of the simulator's three small interfaces). */
public interface TraceSource {
    Trace read(Path path) throws IOException;
}
