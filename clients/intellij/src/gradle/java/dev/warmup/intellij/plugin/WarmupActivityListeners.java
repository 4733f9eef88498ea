package dev.warmup.intellij.plugin;

import com.intellij.openapi.application.ApplicationActivationListener;
import com.intellij.openapi.editor.EditorFactory;
import com.intellij.openapi.editor.event.CaretEvent;
import com.intellij.openapi.editor.event.CaretListener;
import com.intellij.openapi.fileEditor.FileEditorManagerEvent;
import com.intellij.openapi.fileEditor.FileEditorManagerListener;
import com.intellij.openapi.project.Project;
import com.intellij.openapi.startup.StartupActivity;
import com.intellij.openapi.wm.IdeFrame;
import org.jetbrains.annotations.NotNull;

/** The platform events behind {@link WarmupActivity} (plugin.xml registers each). Gradle build only. */
public final class WarmupActivityListeners {
    private WarmupActivityListeners() {}

    /** The IDE gains or loses the focus, for the project whose frame is in front (an application listener). */
    public static final class Focus implements ApplicationActivationListener {
        @Override
        public void applicationActivated(@NotNull IdeFrame frame) {
            Project p = frame.getProject();
            if (p != null && !p.isDisposed()) {
                WarmupActivity.of(p).focus(true);
            }
        }

        @Override
        public void applicationDeactivated(@NotNull IdeFrame frame) {
            Project p = frame.getProject();
            if (p != null && !p.isDisposed()) {
                WarmupActivity.of(p).focus(false);
            }
        }
    }

    /** Another editor is selected in the project (a project listener). */
    public static final class Editors implements FileEditorManagerListener {
        private final Project project;

        public Editors(Project project) {
            this.project = project;
        }

        @Override
        public void selectionChanged(@NotNull FileEditorManagerEvent event) {
            if (event.getNewFile() != null) {
                WarmupActivity.of(project).editorChanged();
            }
        }
    }

    /** Caret moves in the project's editors, listened to from the project's start for its life. */
    public static final class Reading implements StartupActivity.DumbAware {
        @Override
        public void runActivity(@NotNull Project project) {
            EditorFactory.getInstance().getEventMulticaster().addCaretListener(new CaretListener() {
                @Override
                public void caretPositionChanged(@NotNull CaretEvent e) {
                    if (e.getEditor().getProject() == project) {
                        WarmupActivity.of(project).caretMoved();
                    }
                }
            }, project.getService(WarmupActivity.class));
        }
    }
}
