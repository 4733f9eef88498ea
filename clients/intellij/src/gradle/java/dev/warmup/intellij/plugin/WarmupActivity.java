package dev.warmup.intellij.plugin;

import com.intellij.openapi.Disposable;
import com.intellij.openapi.components.Service;
import com.intellij.openapi.project.Project;
import com.redhat.devtools.lsp4ij.LanguageServerManager;
import dev.warmup.intellij.core.ActivityReporter;
import java.util.Map;

/**
 * A project's {@link ActivityReporter}, sending to the project's Warmup server; also the parent of the listeners
 * that live as long as the project. Gradle build only.
 */
@Service(Service.Level.PROJECT)
public final class WarmupActivity implements Disposable {
    private final ActivityReporter reporter;

    public WarmupActivity(Project project) {
        reporter = new ActivityReporter(kind -> send(project, kind), ActivityReporter::monotonicMillis);
    }

    static ActivityReporter of(Project project) {
        return project.getService(WarmupActivity.class).reporter;
    }

    private static void send(Project project, String kind) {
        if (project.isDisposed()) {
            return;
        }
        LanguageServerManager.getInstance(project).getLanguageServer("warmup").thenAccept(item -> {
            if (item != null && item.getServer() instanceof WarmupServerApi api) {
                api.activity(Map.of("kind", kind));
            }
        });
    }

    @Override
    public void dispose() {
        // the listeners registered with this as their parent go with it
    }
}
