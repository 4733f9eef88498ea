package dev.warmup.intellij.plugin;

import com.intellij.openapi.options.Configurable;
import com.intellij.openapi.options.ConfigurationException;
import com.intellij.ui.components.JBTextField;
import com.intellij.util.ui.FormBuilder;
import dev.warmup.intellij.core.SettingSpec;
import dev.warmup.intellij.core.WarmupSettingsModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.swing.JComponent;

/**
 * Settings → Tools → Warmup: every warmup.* key, validated as the server validates it; Apply stores the settings
 * ({@link WarmupSettingsService}) and pushes them to every running Warmup server as didChangeConfiguration.
 * Gradle build only.
 */
public final class WarmupConfigurable implements Configurable {
    private final Map<String, JBTextField> fields = new LinkedHashMap<>();
    private WarmupSettingsModel model;

    @Override public String getDisplayName() { return "Warmup"; }

    @Override
    public JComponent createComponent() {
        model = WarmupSettingsService.getInstance().model();
        FormBuilder form = FormBuilder.createFormBuilder();
        for (SettingSpec s : WarmupSettingsModel.SPECS) {
            JBTextField f = new JBTextField();
            f.setToolTipText(s.description() + " Empty: the default.");
            fields.put(s.key(), f);
            form.addLabeledComponent(s.key(), f);
        }
        reset();
        return form.getPanel();
    }

    @Override
    public boolean isModified() {
        return fields.entrySet().stream().anyMatch(e -> !e.getValue().getText().trim()
                .equals(model.get(e.getKey()).getAsString()));
    }

    @Override
    public void reset() {
        model = WarmupSettingsService.getInstance().model();
        fields.forEach((key, f) -> f.setText(model.get(key).getAsString()));
    }

    @Override
    public void apply() throws ConfigurationException {
        Map<String, String> texts = new LinkedHashMap<>();
        fields.forEach((key, f) -> texts.put(key, f.getText()));
        List<String> errors = model.applyAll(texts);
        if (!errors.isEmpty()) {
            throw new ConfigurationException(String.join("\n", errors), "Warmup settings not applied");
        }
        WarmupSettingsService.getInstance().save(model);
        WarmupLanguageClient.pushSettingsToAll();
    }
}
