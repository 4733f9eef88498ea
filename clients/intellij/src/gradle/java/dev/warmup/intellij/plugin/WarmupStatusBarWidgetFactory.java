package dev.warmup.intellij.plugin;

import com.intellij.openapi.project.Project;
import com.intellij.openapi.wm.StatusBar;
import com.intellij.openapi.wm.StatusBarWidget;
import com.intellij.openapi.wm.StatusBarWidgetFactory;
import com.intellij.openapi.wm.WindowManager;
import dev.warmup.intellij.core.StatusText;
import org.jetbrains.annotations.NotNull;

/** The status bar widget: what is warm, loading and predicted. Gradle build only. */
public final class WarmupStatusBarWidgetFactory implements StatusBarWidgetFactory {
    static final String ID = "warmup.status";

    @Override public @NotNull String getId() { return ID; }
    @Override public @NotNull String getDisplayName() { return "Warmup"; }
    /** Abstract in the 2023 platform's factory (a default in later ones): every project has the widget. */
    @Override public boolean isAvailable(@NotNull Project project) { return true; }

    @Override
    public @NotNull StatusBarWidget createWidget(@NotNull Project project) {
        return new Widget();
    }

    static void update(Project project, StatusText text) {
        StatusBar bar = WindowManager.getInstance().getStatusBar(project);
        if (bar != null && bar.getWidget(ID) instanceof Widget w) {
            w.text = text;
            bar.updateWidget(ID);
        }
    }

    static final class Widget implements StatusBarWidget, StatusBarWidget.TextPresentation {
        volatile StatusText text = StatusText.of(null);

        @Override public @NotNull String ID() { return ID; }
        @Override public WidgetPresentation getPresentation() { return this; }
        @Override public @NotNull String getText() { return text.text(); }
        @Override public float getAlignment() { return 0; }
        @Override public String getTooltipText() { return text.tooltip(); }
    }
}
