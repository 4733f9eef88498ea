package dev.warmup.intellij.plugin;

import com.intellij.openapi.application.ApplicationManager;
import com.intellij.openapi.components.PersistentStateComponent;
import com.intellij.openapi.components.State;
import com.intellij.openapi.components.Storage;
import com.intellij.openapi.diagnostic.Logger;
import dev.warmup.intellij.core.WarmupSettingsModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The user's warmup.* settings, stored by the IDE in {@code warmup.xml} as the section's JSON (the same shape the
 * server reads); a stored value the server would refuse is dropped with a warning. Gradle build only.
 */
@State(name = "WarmupSettings", storages = @Storage("warmup.xml"))
public final class WarmupSettingsService implements PersistentStateComponent<WarmupSettingsService.Stored> {
    private static final Logger LOG = Logger.getInstance(WarmupSettingsService.class);

    /** What the IDE serialises. */
    public static final class Stored {
        public String json = "{}";
    }

    private Stored stored = new Stored();

    public static WarmupSettingsService getInstance() {
        return ApplicationManager.getApplication().getService(WarmupSettingsService.class);
    }

    /** A fresh model of the stored settings, for the settings page and the server's options. */
    public WarmupSettingsModel model() {
        List<String> problems = new ArrayList<>();
        WarmupSettingsModel model = WarmupSettingsModel.fromJson(stored.json, problems);
        problems.forEach(LOG::warn);
        return model;
    }

    public void save(WarmupSettingsModel model) {
        stored.json = model.toJson();
    }

    @Override
    public Stored getState() {
        return stored;
    }

    @Override
    public void loadState(Stored state) {
        stored = state;
    }
}
