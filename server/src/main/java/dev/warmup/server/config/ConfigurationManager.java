package dev.warmup.server.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.OncePerName;
import dev.warmup.server.errors.WarmupException;
import jakarta.inject.Singleton;
import java.util.ArrayList;
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
    /** The most models the catalogue holds, settings' and registered together: far more than any machine loads. */
    public static final int MAX_MODELS = 1000;
    private final AtomicReference<WarmupSettings> current = new AtomicReference<>(WarmupSettings.defaults());
    /** The last settings section as the user wrote it, before run-time models and pausing are applied. */
    private WarmupSettings fromSettings = WarmupSettings.defaults();
    private final List<Consumer<WarmupSettings>> listeners = new CopyOnWriteArrayList<>();
    /**
     * Models registered at run time through warmup/registerModels, by id; they survive settings changes and replace
     * the entry for the same model ({@link SettingsParser#sameModel}: the same id, or another name its Ollama reads
     * alike).
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
        WarmupSettings parsed = SettingsParser.parse(section);
        List<ModelSpec> models = catalogue(parsed, registered);
        if (models.size() > MAX_MODELS) {
            throw new WarmupException(ErrorCode.WMP_8001, "warmup.models holds " + parsed.models().size()
                    + " models, which with the " + registered.size() + " registered at run time make more than "
                    + MAX_MODELS);
        }
        fromSettings = parsed;
        JsonObject given = SettingsParser.locateSection(section);
        for (String key : given == null ? List.<String>of() : UnknownKeys.in(given)) {
            if (unknownNamed.first(key)) { // once per key (the first 100): settings are sent again at every change
                LOG.warning(new WarmupException(ErrorCode.WMP_8010, WarmupException.quote(key)).getMessage());
            }
        }
        return install(models);
    }

    /** Adds or replaces models (validated like settings); {@code replace} drops all other run-time models. */
    public synchronized WarmupSettings registerModels(List<JsonObject> models, boolean replace) {
        if (models.size() > MAX_MODELS) { // before the pairwise check of twins below
            throw tooMany(models.size());
        }
        Map<String, ModelSpec> next = new LinkedHashMap<>(replace ? Map.of() : registered);
        List<ModelSpec> given = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            ModelSpec m = SettingsParser.model(models.get(i), "models[" + i + "]", fromSettings.backends());
            SettingsParser.refuseTwin(given, m, "models[" + i + "]", fromSettings.backends()); // as in the settings
            given.add(m);
        }
        for (ModelSpec m : given) { // coder:latest registered replaces a coder of the same Ollama, as coder would
            next.values().removeIf(r -> SettingsParser.sameModel(r, m, fromSettings.backends()));
            next.put(m.id(), m);
        }
        List<ModelSpec> catalogue = catalogue(fromSettings, next);
        if (catalogue.size() > MAX_MODELS) {
            throw tooMany(catalogue.size());
        }
        registered.clear();
        registered.putAll(next);
        return install(catalogue);
    }

    private static WarmupException tooMany(int models) {
        return new WarmupException(ErrorCode.WMP_8003, "warmup/registerModels would make the catalogue " + models
                + " models, settings' and registered together; at most " + MAX_MODELS);
    }

    /** The settings' models that no registered one replaces, then the registered ones. */
    private static List<ModelSpec> catalogue(WarmupSettings settings, Map<String, ModelSpec> registered) {
        Map<String, ModelSpec> models = new LinkedHashMap<>();
        for (ModelSpec m : settings.models()) {
            if (registered.values().stream().noneMatch(r -> SettingsParser.sameModel(r, m, settings.backends()))) {
                models.put(m.id(), m);
            }
        }
        models.putAll(registered);
        return List.copyOf(models.values());
    }

    /** Pauses or resumes background warming without touching the user's settings. */
    public synchronized WarmupSettings setPaused(boolean paused) {
        this.paused = paused;
        return install(current.get().models()); // the catalogue as it stands
    }

    public boolean paused() {
        return paused;
    }

    /** Makes {@code catalogue} (as {@link #catalogue} made it of the settings and registered models) effective. */
    private WarmupSettings install(List<ModelSpec> catalogue) {
        WarmupSettings effective = fromSettings.withModels(catalogue);
        current.set(effective);
        listeners.forEach(l -> l.accept(effective));
        return effective;
    }

    /** Whether warming in the background is on: the setting, unless paused. */
    public boolean backgroundWarmupActive() {
        return !paused && current.get().backgroundWarmupEnabled();
    }
}
