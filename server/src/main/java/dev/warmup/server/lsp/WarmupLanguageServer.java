package dev.warmup.server.lsp;

import com.google.gson.Gson;
import dev.warmup.protocol.Commands;
import dev.warmup.protocol.WarmupServerApi;
import dev.warmup.server.Version;
import dev.warmup.server.scheduler.WarmupController;
import dev.warmup.server.store.UsageStore;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import org.eclipse.lsp4j.CodeActionOptions;
import org.eclipse.lsp4j.CompletionOptions;
import org.eclipse.lsp4j.ExecuteCommandOptions;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializeResult;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageType;
import org.eclipse.lsp4j.SaveOptions;
import org.eclipse.lsp4j.ServerCapabilities;
import org.eclipse.lsp4j.ServerInfo;
import org.eclipse.lsp4j.TextDocumentSyncKind;
import org.eclipse.lsp4j.TextDocumentSyncOptions;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageClientAware;
import org.eclipse.lsp4j.services.TextDocumentService;
import org.eclipse.lsp4j.services.WorkspaceService;

/**
 * The LSP lifecycle and capabilities. The work is done by the services it hands out: {@link DocumentEvents},
 * {@link WorkspaceEvents} and {@link WarmupProtocolService}.
 */
public final class WarmupLanguageServer implements WarmupServerEndpoints, LanguageClientAware {
    /** Characters after which editors commonly ask for completion; we only observe them. */
    static final List<String> TRIGGER_CHARACTERS = List.of(".", ":", ">", "(", "<", "\"", "'", "/", "@", "#");

    private final DocumentEvents documents;
    private final WorkspaceEvents workspace;
    private final WarmupProtocolService warmup;
    private final ClientNotifier client;
    private final SettingsSync settings;
    private final UsageStore store;
    private final WarmupController controller;
    private final IntConsumer exit;
    private volatile boolean shutdownRequested;
    private volatile boolean initializeReceived;

    @Inject
    public WarmupLanguageServer(DocumentEvents documents, WorkspaceEvents workspace, WarmupProtocolService warmup,
                                ClientNotifier client, SettingsSync settings, UsageStore store, WarmupController controller,
                                ExitHandler exit) {
        this.documents = documents;
        this.workspace = workspace;
        this.warmup = warmup;
        this.client = client;
        this.settings = settings;
        this.store = store;
        this.controller = controller;
        this.exit = exit;
    }

    @Override
    public void connect(LanguageClient languageClient) {
        client.connect((WarmupLanguageClient) languageClient);
    }

    @Override
    public CompletableFuture<InitializeResult> initialize(InitializeParams params) {
        initializeReceived = true;
        var caps = params.getCapabilities();
        settings.clientSupportsPull(caps != null && caps.getWorkspace() != null
                && Boolean.TRUE.equals(caps.getWorkspace().getConfiguration()));
        settings.initial(params.getInitializationOptions() == null ? null
                : new Gson().toJsonTree(params.getInitializationOptions()));
        ParentProcessWatcher.watch(params.getProcessId(), () -> exit.accept(shutdownRequested ? 0 : 1));
        store.recoveryNote().ifPresent(note -> client.showMessage(MessageType.Warning, note));
        return CompletableFuture.completedFuture(new InitializeResult(capabilities(),
                new ServerInfo("warmup-server", Version.get())));
    }

    static ServerCapabilities capabilities() {
        ServerCapabilities c = new ServerCapabilities();
        TextDocumentSyncOptions sync = new TextDocumentSyncOptions();
        sync.setOpenClose(true);
        sync.setChange(TextDocumentSyncKind.Incremental);
        sync.setSave(new SaveOptions(false));
        c.setTextDocumentSync(sync);
        CompletionOptions completion = new CompletionOptions(false, TRIGGER_CHARACTERS);
        c.setCompletionProvider(completion);
        c.setCodeActionProvider(new CodeActionOptions(List.of()));
        c.setExecuteCommandProvider(new ExecuteCommandOptions(Commands.ALL));
        return c;
    }

    @Override
    public void initialized(InitializedParams params) {
        client.initialized();
        settings.pull();
        controller.reconfigured();
    }

    @Override
    public CompletableFuture<Object> shutdown() {
        shutdownRequested = true;
        return CompletableFuture.completedFuture(null);
    }

    /** Whether {@code initialize} has come: until then LSP allows no other request. */
    boolean initializeReceived() {
        return initializeReceived;
    }

    /** Whether {@code shutdown} has come: from then on LSP allows only {@code exit}. */
    boolean shutdownRequested() {
        return shutdownRequested;
    }

    @Override
    public void exit() {
        exit.accept(shutdownRequested ? 0 : 1);
    }

    @Override
    public TextDocumentService getTextDocumentService() {
        return documents;
    }

    @Override
    public WorkspaceService getWorkspaceService() {
        return workspace;
    }

    @Override
    public WarmupServerApi getWarmupService() {
        return warmup;
    }
}
