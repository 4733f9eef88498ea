package dev.warmup.server.backend;

import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * A model server that stopped models it was running to start the one we loaded (llama-swap's groups, a llama.cpp
 * router's {@code --models-max}): the predictor would load them again and the server stop them again, so it is said,
 * once per pair (WMP-8013), with the fix.
 */
final class StoppedToStart {
    private static final Logger LOG = Logger.getLogger(StoppedToStart.class.getName());

    private final String server;
    private final Set<String> said = new HashSet<>(); // guarded by itself

    /** {@code server}: how the log names the model server ("llama-swap at URL"). */
    StoppedToStart(String server) {
        this.server = server;
    }

    /**
     * After {@code loaded} was started: the models running {@code before} that are not running {@code after}, if any,
     * are said to have been stopped for it, {@code why} naming the model server's limit and {@code fix} what to do.
     */
    void check(String loaded, Collection<String> before, Collection<String> after, String why, String fix) {
        List<String> stopped = before.stream().filter(m -> !m.equals(loaded) && !after.contains(m)).sorted().toList();
        if (stopped.isEmpty()) {
            return;
        }
        synchronized (said) {
            if (!said.add(loaded + " " + stopped)) {
                return;
            }
        }
        LOG.warning(new WarmupException(ErrorCode.WMP_8013, server + " stopped " + String.join(", ", stopped)
                + " to start " + loaded + " (" + why + "); " + fix).getMessage());
    }
}
