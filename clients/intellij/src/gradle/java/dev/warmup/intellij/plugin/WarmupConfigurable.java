package dev.warmup.intellij.plugin;

import com.intellij.openapi.options.Configurable;
import com.intellij.openapi.options.ConfigurationException;
import com.intellij.ui.components.JBTextField;
import com.intellij.util.ui.FormBuilder;
import dev.warmup.intellij.core.SettingSpec;
import dev.warmup.intellij.core.WarmupSettingsModel;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.swing.JComponent;

/** Settings → Tools → Warmup: every warmup.* key, validated as the server validates it. Gradle build only. */
public final class WarmupConfigurable implements Configurable {
    private final WarmupSettingsModel model = new WarmupSettingsModel();
    private final Map<String, JBTextField> fields = new LinkedHashMap<>();

    @Override public String getDisplayName() { return "Warmup"; }

    @Override
    public JComponent createComponent() {
        FormBuilder form = FormBuilder.createFormBuilder();
        for (SettingSpec s : WarmupSettingsModel.SPECS) {
            JBTextField f = new JBTextField(model.get(s.key()).getAsString());
            f.setToolTipText(s.description());
            fields.put(s.key(), f);
            form.addLabeledComponent(s.key(), f);
        }
        return form.getPanel();
    }

    @Override
    public boolean isModified() {
        return fields.entrySet().stream().anyMatch(e -> !e.getValue().getText()
                .equals(model.get(e.getKey()).getAsString()));
    }

    @Override
    public void apply() throws ConfigurationException {
        for (Map.Entry<String, JBTextField> e : fields.entrySet()) {
            String error = model.set(e.getKey(), com.google.gson.JsonParser.parseString(e.getValue().getText()));
            if (error != null) {
                throw new ConfigurationException(error);
            }
        }
    }
}
