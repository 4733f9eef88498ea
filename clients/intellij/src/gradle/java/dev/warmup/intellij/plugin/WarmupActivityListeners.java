package dev.warmup.intellij.plugin;

import com.intellij.execution.ExecutionListener;
import com.intellij.execution.executors.DefaultRunExecutor;
import com.intellij.execution.process.ProcessHandler;
import com.intellij.execution.runners.ExecutionEnvironment;
import com.intellij.execution.testframework.sm.runner.SMTRunnerEventsAdapter;
import com.intellij.execution.testframework.sm.runner.SMTestProxy;
import com.intellij.openapi.application.ApplicationActivationListener;
import com.intellij.openapi.editor.EditorFactory;
import com.intellij.openapi.editor.event.CaretEvent;
import com.intellij.openapi.editor.event.CaretListener;
import com.intellij.openapi.editor.event.EditorEventMulticaster;
import com.intellij.openapi.editor.event.VisibleAreaEvent;
import com.intellij.openapi.editor.event.VisibleAreaListener;
import com.intellij.openapi.fileEditor.FileEditorManagerEvent;
import com.intellij.openapi.fileEditor.FileEditorManagerListener;
import com.intellij.openapi.project.Project;
import com.intellij.openapi.startup.StartupActivity;
import com.intellij.openapi.wm.IdeFrame;
import com.intellij.task.ProjectTaskContext;
import com.intellij.task.ProjectTaskListener;
import com.intellij.xdebugger.XDebugProcess;
import com.intellij.xdebugger.XDebuggerManagerListener;
import java.awt.Rectangle;
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

    /** Debug sessions of the project start and stop (a project listener). */
    public static final class Debugging implements XDebuggerManagerListener {
        private final Project project;

        public Debugging(Project project) {
            this.project = project;
        }

        @Override
        public void processStarted(@NotNull XDebugProcess debugProcess) {
            WarmupActivity.of(project).debug(true);
        }

        @Override
        public void processStopped(@NotNull XDebugProcess debugProcess) {
            WarmupActivity.of(project).debug(false);
        }
    }

    /** A build of the project starts: Build, Rebuild, or the compile before a run (a project listener). */
    public static final class Builds implements ProjectTaskListener {
        private final Project project;

        public Builds(Project project) {
            this.project = project;
        }

        @Override
        public void started(@NotNull ProjectTaskContext context) {
            WarmupActivity.of(project).buildStarted();
        }
    }

    /** A test run of the project starts, in the IDE's test runner (a project listener). */
    public static final class Tests extends SMTRunnerEventsAdapter {
        private final Project project;

        public Tests(Project project) {
            this.project = project;
        }

        @Override
        public void onTestingStarted(@NotNull SMTestProxy.SMRootTestProxy testsRoot) {
            WarmupActivity.of(project).testStarted();
        }
    }

    /**
     * A run configuration of the project starts with the Run executor (a project listener; one started under the
     * debugger is a debug session, reported by {@link Debugging}; a test run is also reported by {@link Tests}).
     */
    public static final class Runs implements ExecutionListener {
        private final Project project;

        public Runs(Project project) {
            this.project = project;
        }

        @Override
        public void processStarted(@NotNull String executorId, @NotNull ExecutionEnvironment env,
                                   @NotNull ProcessHandler handler) {
            if (DefaultRunExecutor.EXECUTOR_ID.equals(executorId)) {
                WarmupActivity.of(project).taskStarted();
            }
        }
    }

    /** Caret moves and scrolling in the project's editors, listened to from the project's start for its life. */
    public static final class Reading implements StartupActivity.DumbAware {
        @Override
        public void runActivity(@NotNull Project project) {
            WarmupActivity parent = project.getService(WarmupActivity.class);
            EditorEventMulticaster editors = EditorFactory.getInstance().getEventMulticaster();
            editors.addCaretListener(new CaretListener() {
                @Override
                public void caretPositionChanged(@NotNull CaretEvent e) {
                    if (e.getEditor().getProject() == project) {
                        WarmupActivity.of(project).caretMoved();
                    }
                }
            }, parent);
            editors.addVisibleAreaListener(new VisibleAreaListener() {
                @Override
                public void visibleAreaChanged(@NotNull VisibleAreaEvent e) {
                    if (e.getEditor().getProject() == project && scrolled(e.getOldRectangle(), e.getNewRectangle())) {
                        WarmupActivity.of(project).scrolled();
                    }
                }
            }, parent);
        }

        /** The view moved (not an editor opened or resized, which also change the visible area). */
        private static boolean scrolled(Rectangle before, Rectangle after) {
            return before != null && after != null && (before.x != after.x || before.y != after.y);
        }
    }
}
