package dev.warmup.intellij.plugin;

import com.intellij.openapi.actionSystem.AnAction;
import com.intellij.openapi.actionSystem.AnActionEvent;
import com.intellij.openapi.application.ApplicationManager;
import com.intellij.openapi.fileEditor.FileEditorManager;
import com.intellij.openapi.project.Project;
import com.intellij.openapi.ui.Messages;
import com.intellij.testFramework.LightVirtualFile;
import com.redhat.devtools.lsp4ij.LanguageServerManager;
import dev.warmup.intellij.core.CommandResultText;
import java.util.List;
import java.util.concurrent.CompletionException;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.jetbrains.annotations.NotNull;

/**
 * The Tools → Warmup actions: each runs a warmup.* command on the server and, for those that answer something to read,
 * opens the answer in a read-only editor tab ({@link CommandResultText}). Gradle build only.
 */
public final class WarmupActions {
    private WarmupActions() {}

    abstract static class Command extends AnAction {
        private final String command;
        private final boolean show;

        Command(String command, boolean show) {
            this.command = command;
            this.show = show;
        }

        @Override
        public void actionPerformed(@NotNull AnActionEvent e) {
            Project project = e.getProject();
            if (project == null) {
                return;
            }
            LanguageServerManager.getInstance(project).getLanguageServer("warmup").thenAccept(item -> {
                if (item == null) {
                    return;
                }
                item.getServer().getWorkspaceService().executeCommand(new ExecuteCommandParams(command, arguments()))
                        .whenComplete((result, error) -> {
                            if (show || error != null) { // a refusal is shown too: compare's WMP-1004 says what to do
                                show(project, result, error);
                            }
                        });
            });
        }

        /** The command's arguments: none, but for a command that wants its confirmation. */
        List<Object> arguments() {
            return List.of();
        }

        private void show(Project project, Object result, Throwable error) {
            Throwable why = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            CommandResultText shown = why != null
                    ? new CommandResultText(command + ".txt", String.valueOf(why.getMessage()))
                    : CommandResultText.of(command, result);
            ApplicationManager.getApplication().invokeLater(() -> {
                if (!project.isDisposed()) {
                    FileEditorManager.getInstance(project).openFile(
                            new LightVirtualFile(shown.fileName(), shown.text()), true);
                }
            });
        }
    }

    public static final class ShowStatus extends Command { public ShowStatus() { super("warmup.status", true); } }
    public static final class ShowMetrics extends Command { public ShowMetrics() { super("warmup.metrics", true); } }
    public static final class ShowUsage extends Command { public ShowUsage() { super("warmup.usageStats", true); } }
    public static final class Compare extends Command { public Compare() { super("warmup.compare", true); } }
    public static final class Pause extends Command { public Pause() { super("warmup.pause", false); } }
    public static final class Resume extends Command { public Resume() { super("warmup.resume", false); } }
    public static final class Retrain extends Command { public Retrain() { super("warmup.retrain", true); } }

    /** Asks first, then deletes the recorded history and what was learnt from it, and shows what went. */
    public static final class ForgetHistory extends Command {
        public ForgetHistory() {
            super("warmup.forgetHistory", true);
        }

        @Override
        List<Object> arguments() {
            return List.of(java.util.Map.of("confirm", true)); // asked in actionPerformed, before it runs
        }

        @Override
        public void actionPerformed(@NotNull AnActionEvent e) {
            if (e.getProject() != null && Messages.showYesNoDialog(e.getProject(), "Forget everything Warmup recorded"
                    + " about how you use the IDE (in every project), and the model it learnt from it? Recording goes"
                    + " on, and prediction starts again from nothing. This cannot be undone.", "Warmup",
                    Messages.getWarningIcon()) == Messages.YES) {
                super.actionPerformed(e);
            }
        }
    }

    /**
     * Stops the server and starts it again. LSP4IJ's one-argument {@code stop} also disables the server definition
     * (its default {@code StopOptions} has {@code willDisable}), so the stop says it must not.
     */
    public static final class Restart extends AnAction {
        @Override
        public void actionPerformed(@NotNull AnActionEvent e) {
            if (e.getProject() != null) {
                LanguageServerManager manager = LanguageServerManager.getInstance(e.getProject());
                try {
                    manager.stop("warmup", new LanguageServerManager.StopOptions().setWillDisable(false));
                } finally {
                    manager.start("warmup");
                }
            }
        }
    }
}
