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
 * {@code llamaswap}), built anew for each entry a settings change adds or changes, plus the {@code client} backend
 * (a model whose {@code backend} is unset or {@code client}).
 * Endpoints must be loopback unless the backend sets {@code allowRemote}.
 */
@Singleton
public final class BackendRegistry {
    private final ClientBackend client;
    private final Clock clock;
    private final HttpClient http = new LazyHttpClient(() -> HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build());
    private volatile Map<String, ModelBackend> backends = Map.of();
    private Map<String, BackendSpec> specs = Map.of(); // the entries backends were built from; guarded by this

    @Inject
    public BackendRegistry(ConfigurationManager config, ClientNotifier notifier, Clock clock) {
        this.client = new ClientBackend(notifier);
        this.clock = clock;
        rebuild(config.current());
        config.addListener(this::rebuild);
    }

    /**
     * The backends for new settings. One whose entry is unchanged is kept, with what it knows of its model server
     * (when it last renewed each model, its circuit breaker, what it has said): a change to another key is no
     * reason to forget that llama-swap's {@code ttl} of a kept model runs out soon.
     */
    private synchronized void rebuild(WarmupSettings s) {
        Map<String, ModelBackend> fresh = new HashMap<>();
        Map<String, ModelBackend> old = backends;
        for (Map.Entry<String, BackendSpec> e : s.backends().entrySet()) {
            BackendSpec spec = e.getValue();
            if (BackendSpec.CLIENT.equals(spec.type())) {
                continue;
            }
            if (spec.equals(specs.get(e.getKey())) && old.containsKey(e.getKey())) {
                fresh.put(e.getKey(), old.get(e.getKey()));
                continue;
            }
            String host = URI.create(spec.url()).getHost();
            if (!spec.allowRemote() && !Loopback.isLoopbackHost(host)) {
                throw new WarmupException(ErrorCode.WMP_8006, "backend " + e.getKey() + " at " + spec.url()
                        + " is not a loopback address; set allowRemote: true for it to allow that");
            }
            switch (spec.type()) {
                case BackendSpec.OLLAMA -> fresh.put(e.getKey(), new OllamaBackend(spec, http, clock));
                case BackendSpec.LLAMACPP ->
                        fresh.put(e.getKey(), new LlamaCppBackend(spec, http, clock, System.getenv()));
                case BackendSpec.OPENAI -> fresh.put(e.getKey(),
                        new OpenAiCompatibleBackend(spec, http, clock, System.getenv()));
                case BackendSpec.LMSTUDIO -> fresh.put(e.getKey(), new LmStudioBackend(spec, http, clock, System.getenv()));
                case BackendSpec.LLAMASWAP -> fresh.put(e.getKey(),
                        new LlamaSwapBackend(spec, http, clock, System.getenv()));
                default -> throw new WarmupException(ErrorCode.WMP_8001, "backend " + e.getKey()
                        + ": unknown type " + spec.type());
            }
        }
        backends = Map.copyOf(fresh);
        specs = Map.copyOf(s.backends());
        old.forEach((name, b) -> {
            if (fresh.get(name) != b) {
                b.close();
            }
        });
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
