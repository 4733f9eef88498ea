package dev.warmup.server.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.OncePerName;
import dev.warmup.server.errors.WarmupException;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Holds the effective configuration and tells listeners when it changes. {@link #apply} is the single path for
 * {@code initializationOptions}, {@code didChangeConfiguration} and {@code workspace/configuration}: a bad section
 * throws WMP-8001 and leaves the previous configuration in force; a key it does not know is named once (WMP-8010,
 * with the key it likely misspells) and otherwise ignored.
 */
@Singleton
public final class ConfigurationManager {
    private static final Logger LOG = Logger.getLogger(ConfigurationManager.class.getName());
    private final AtomicReference<WarmupSettings> current = new AtomicReference<>(WarmupSettings.defaults());
    /** The last settings section as the user wrote it, before run-time models and pausing are applied. */
    private WarmupSettings fromSettings = WarmupSettings.defaults();
    private final List<Consumer<WarmupSettings>> listeners = new CopyOnWriteArrayList<>();
    /**
     * Models registered at run time through warmup/registerModels, by {@link SettingsParser#sameModelKey} (one entry
     * per model however it is named); they survive settings changes and replace a settings entry for the same model.
     */
    private final Map<String, ModelSpec> registered = new LinkedHashMap<>();
    private volatile boolean paused;
    private final OncePerName unknownNamed = new OncePerName(); // settings may come from a workspace: keys are strings

    public WarmupSettings current() {
        return current.get();
    }

    public void addListener(Consumer<WarmupSettings> listener) {
        listeners.add(listener);
    }

    /** Validates and installs a settings section; returns the new effective settings. */
    public synchronized WarmupSettings apply(JsonElement section) {
        fromSettings = SettingsParser.parse(section);
        JsonObject given = SettingsParser.locateSection(section);
        for (String key : given == null ? List.<String>of() : UnknownKeys.in(given)) {
            if (unknownNamed.first(key)) { // once per key (the first 100): settings are sent again at every change
                LOG.warning(new WarmupException(ErrorCode.WMP_8010, WarmupException.quote(key)).getMessage());
            }
        }
        return install();
    }

    /** Adds or replaces models (validated like settings); {@code replace} drops all other run-time models. */
    public synchronized WarmupSettings registerModels(List<JsonObject> models, boolean replace) {
        Map<String, ModelSpec> next = new LinkedHashMap<>(replace ? Map.of() : registered); // by sameModelKey
        Map<String, String> given = new HashMap<>(); // key -> the id given first in this call
        for (int i = 0; i < models.size(); i++) {
            ModelSpec m = SettingsParser.model(models.get(i), "models[" + i + "]", fromSettings.backends());
            String key = SettingsParser.sameModelKey(m, fromSettings.backends());
            String first = given.putIfAbsent(key, m.id());
            if (first != null) { // as in the settings: which of the two was meant cannot be told
                throw SettingsParser.invalid("models[" + i + "].id", new JsonPrimitive(m.id()), first.equals(m.id())
                        ? "a unique model id" : "another model than " + first + ", which Ollama names so too");
            }
            next.put(key, m); // coder:latest registered replaces a coder of the same Ollama, as coder would
        }
        registered.clear();
        registered.putAll(next);
        return install();
    }

    /** Pauses or resumes background warming without touching the user's settings. */
    public synchronized WarmupSettings setPaused(boolean paused) {
        this.paused = paused;
        return install();
    }

    public boolean paused() {
        return paused;
    }

    private WarmupSettings install() {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        for (ModelSpec m : fromSettings.models()) {
            String key = SettingsParser.sameModelKey(m, fromSettings.backends());
            if (!registered.containsKey(key)) {
                models.put(key, m);
            }
        }
        models.putAll(registered);
        WarmupSettings effective = fromSettings.withModels(List.copyOf(models.values()));
        current.set(effective);
        listeners.forEach(l -> l.accept(effective));
        return effective;
    }

    /** Whether warming in the background is on: the setting, unless paused. */
    public boolean backgroundWarmupActive() {
        return !paused && current.get().backgroundWarmupEnabled();
    }
}
