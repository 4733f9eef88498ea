package dev.warmup.server.lsp;

import java.util.function.IntConsumer;

/** How the server process ends (System.exit in production; recorded in tests). */
public interface ExitHandler extends IntConsumer {}
