package dev.warmup.server.lsp;

import java.util.logging.Logger;

/** Ends the server when the editor that started it dies (LSP's {@code processId}). */
final class ParentProcessWatcher {
    private static final Logger LOG = Logger.getLogger(ParentProcessWatcher.class.getName());

    private ParentProcessWatcher() {}

    /** Calls {@code onExit} once the process {@code pid} is gone; does nothing if it is unknown or absent. */
    static void watch(Integer pid, Runnable onExit) {
        if (pid == null) {
            return;
        }
        ProcessHandle.of(pid.longValue()).ifPresentOrElse(
                p -> p.onExit().thenRun(() -> {
                    LOG.info("parent process " + pid + " exited; shutting down");
                    onExit.run();
                }),
                () -> {
                    LOG.info("parent process " + pid + " is not running; shutting down");
                    onExit.run();
                });
    }
}
