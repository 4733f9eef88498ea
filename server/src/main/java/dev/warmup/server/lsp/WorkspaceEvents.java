package dev.warmup.server.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import dev.warmup.protocol.Commands;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import org.eclipse.lsp4j.DidChangeConfigurationParams;
import org.eclipse.lsp4j.DidChangeWatchedFilesParams;
import org.eclipse.lsp4j.ExecuteCommandParams;
import org.eclipse.lsp4j.services.WorkspaceService;

/** Configuration changes and {@code workspace/executeCommand}; every executed command is also a usage event. */
public final class WorkspaceEvents implements WorkspaceService {
    private static final Gson GSON = new Gson();

    private final SettingsSync settings;
    private final CommandDispatcher commands;
    private final UsagePatternAnalyzer analyzer;
    private final Clock clock;
    private final ExecutorService workers;

    @Inject
    public WorkspaceEvents(SettingsSync settings, CommandDispatcher commands, UsagePatternAnalyzer analyzer,
                           Clock clock, @Workers ExecutorService workers) {
        this.settings = settings;
        this.commands = commands;
        this.analyzer = analyzer;
        this.clock = clock;
        this.workers = workers;
    }

    @Override
    public CompletableFuture<Object> executeCommand(ExecuteCommandParams params) {
        String command = params.getCommand();
        if (command == null) {
            return CompletableFuture.failedFuture(new WarmupException(ErrorCode.WMP_8003,
                    "workspace/executeCommand needs command"));
        }
        if (Commands.ALL.contains(command)) { // a name, not a payload: an unknown one is refused below (WMP-8002)
            analyzer.recordUsage(UsageEvent.simple(clock.millis(), EventKind.COMMAND, command, null));
        }
        return CompletableFuture.supplyAsync(() -> commands.execute(command, params.getArguments()), workers);
    }

    @Override
    public void didChangeConfiguration(DidChangeConfigurationParams params) {
        JsonElement settingsJson = params.getSettings() == null ? null : GSON.toJsonTree(params.getSettings());
        settings.changed(settingsJson);
    }

    @Override
    public void didChangeWatchedFiles(DidChangeWatchedFilesParams params) {
        // not registered for; nothing to do
    }
}
