package dev.warmup.server.backend;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.Loopback;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.lsp.ClientNotifier;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The backends of {@code warmup.backends} ({@code ollama}, {@code llamacpp}, {@code openai}, {@code lmstudio},
 * {@code llamaswap}), built anew when the settings change, plus the {@code client} backend (a model whose
 * {@code backend} is unset or {@code client}).
 * Endpoints must be loopback unless the backend sets {@code allowRemote}.
 */
@Singleton
public final class BackendRegistry {
    private final ClientBackend client;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1).build();
    private volatile Map<String, ModelBackend> backends = Map.of();

    @Inject
    public BackendRegistry(ConfigurationManager config, ClientNotifier notifier, Clock clock) {
        this.client = new ClientBackend(notifier);
        this.clock = clock;
        rebuild(config.current());
        config.addListener(this::rebuild);
    }

    private void rebuild(WarmupSettings s) {
        Map<String, ModelBackend> fresh = new HashMap<>();
        for (Map.Entry<String, BackendSpec> e : s.backends().entrySet()) {
            BackendSpec spec = e.getValue();
            if (BackendSpec.CLIENT.equals(spec.type())) {
                continue;
            }
            String host = URI.create(spec.url()).getHost();
            if (!spec.allowRemote() && !Loopback.isLoopbackHost(host)) {
                throw new WarmupException(ErrorCode.WMP_8006, "backend " + e.getKey() + " at " + spec.url()
                        + " is not a loopback address; set allowRemote: true for it to allow that");
            }
            switch (spec.type()) {
                case BackendSpec.OLLAMA -> fresh.put(e.getKey(), new OllamaBackend(spec, http, clock));
                case BackendSpec.LLAMACPP -> fresh.put(e.getKey(), new LlamaCppBackend(spec, http, clock));
                case BackendSpec.OPENAI -> fresh.put(e.getKey(),
                        new OpenAiCompatibleBackend(spec, http, clock, System.getenv()));
                case BackendSpec.LMSTUDIO -> fresh.put(e.getKey(), new LmStudioBackend(spec, http, clock, System.getenv()));
                case BackendSpec.LLAMASWAP -> fresh.put(e.getKey(),
                        new LlamaSwapBackend(spec, http, clock, System.getenv()));
                default -> throw new WarmupException(ErrorCode.WMP_8001, "backend " + e.getKey()
                        + ": unknown type " + spec.type());
            }
        }
        Map<String, ModelBackend> old = backends;
        backends = Map.copyOf(fresh);
        old.values().forEach(ModelBackend::close);
    }

    /** The backend serving a model whose {@code backend} setting is {@code name} (null: the client). */
    public ModelBackend lookup(String name) {
        if (name == null || name.equals(BackendSpec.CLIENT)) {
            return client;
        }
        ModelBackend b = backends.get(name);
        if (b == null) {
            throw new WarmupException(ErrorCode.WMP_8004, "backend '" + name + "' is not configured");
        }
        return b;
    }

    public ClientBackend client() {
        return client;
    }

    /** Every configured model-server backend (not the client). */
    public Map<String, ModelBackend> servers() {
        return backends;
    }

    /**
     * Whether the backend named {@code name} can unload what it loaded (an OpenAI-compatible server or a single-model
     * llama-server cannot: what it serves stays loaded); true for a name that resolves to nothing.
     */
    public boolean canUnload(String name) {
        return find(name).map(ModelBackend::canUnload).orElse(true);
    }

    /**
     * The catalogue model a reported name denotes: the one of that id, else one its model server names the same way
     * (Ollama's {@code coder:latest} for a catalogue's {@code coder}); empty for a model outside the catalogue.
     */
    public Optional<ModelSpec> catalogueModel(WarmupSettings s, String reported) {
        return s.model(reported).or(() -> s.models().stream()
                .filter(m -> find(m.backend()).map(b -> b.sameModel(m.id(), reported)).orElse(false)).findFirst());
    }

    public Optional<ModelBackend> find(String name) {
        try {
            return Optional.of(lookup(name));
        } catch (WarmupException e) {
            return Optional.empty();
        }
    }
}
