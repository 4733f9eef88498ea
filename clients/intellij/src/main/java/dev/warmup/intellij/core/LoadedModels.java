package dev.warmup.intellij.core;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the IDE's loader holds loaded for one project's server, with the memory it said each holds. It outlives the
 * {@link ClientBackendHandler} of one server process: a server started again (Restart Server, a crash) starts knowing
 * nothing, and is told these are {@code ready}, or it would never unload them. Another loader's models (or none's,
 * when the loader's plugin unloaded) are forgotten: they are that loader's to keep or drop.
 */
public final class LoadedModels {
    private ClientBackendHandler.Loader by;
    private final Map<String, Long> memoryMb = new LinkedHashMap<>();

    /** A load {@code loader} finished; one a loader replaced meanwhile finished is that loader's, not recorded. */
    synchronized void loaded(ClientBackendHandler.Loader loader, String model, Long mb) {
        if (loader == by) {
            memoryMb.put(model, mb);
        }
    }

    synchronized void unloaded(ClientBackendHandler.Loader loader, String model) {
        if (loader == by) {
            memoryMb.remove(model);
        }
    }

    /** The memory (MB, or null when not said) of each model {@code loader} holds; forgets another loader's. */
    synchronized Map<String, Long> heldBy(ClientBackendHandler.Loader loader) {
        if (loader != by) {
            memoryMb.clear();
            by = loader;
        }
        return new LinkedHashMap<>(memoryMb);
    }

    /** The memory the model was said to hold when loaded, or null. */
    synchronized Long memoryOf(String model) {
        return memoryMb.get(model);
    }
}
