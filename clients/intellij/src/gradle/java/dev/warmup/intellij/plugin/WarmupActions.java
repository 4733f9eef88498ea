package dev.warmup.intellij.plugin;

import com.intellij.openapi.actionSystem.AnAction;
import com.intellij.openapi.actionSystem.AnActionEvent;
import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.LanguageServerManager;
import java.util.List;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.jetbrains.annotations.NotNull;

/** The Tools → Warmup actions: each runs a warmup.* command on the server. Gradle build only. */
public final class WarmupActions {
    private WarmupActions() {}

    abstract static class Command extends AnAction {
        private final String command;

        Command(String command) {
            this.command = command;
        }

        @Override
        public void actionPerformed(@NotNull AnActionEvent e) {
            Project project = e.getProject();
            if (project == null) {
                return;
            }
            LanguageServerManager.getInstance(project).getLanguageServer("warmup").thenAccept(item -> {
                if (item != null) {
                    item.getServer().getWorkspaceService().executeCommand(new ExecuteCommandParams(command, List.of()));
                }
            });
        }
    }

    public static final class ShowStatus extends Command { public ShowStatus() { super("warmup.status"); } }
    public static final class ShowMetrics extends Command { public ShowMetrics() { super("warmup.metrics"); } }
    public static final class Pause extends Command { public Pause() { super("warmup.pause"); } }
    public static final class Resume extends Command { public Resume() { super("warmup.resume"); } }
    public static final class Retrain extends Command { public Retrain() { super("warmup.retrain"); } }

    public static final class Restart extends AnAction {
        @Override
        public void actionPerformed(@NotNull AnActionEvent e) {
            if (e.getProject() != null) {
                LanguageServerManager.getInstance(e.getProject()).stop("warmup");
                LanguageServerManager.getInstance(e.getProject()).start("warmup");
            }
        }
    }
}
