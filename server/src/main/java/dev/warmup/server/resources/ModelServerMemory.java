package dev.warmup.server.resources;

import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.Loopback;
import dev.warmup.server.config.WarmupSettings;
import jakarta.inject.Inject;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The memory the configured model servers of this machine may still take where a cgroup limits it (a dev container's
 * or a Kubernetes pod's limit, a systemd unit's {@code MemoryMax}): the machine's free memory says nothing of such a
 * limit, and a model server loading past it is killed, or thrashes. For each backend at a loopback address, the
 * process listening on its port ({@link ListeningProcess}) and the headroom of its cgroups ({@link CgroupMemory});
 * the tightest of them bounds the budget. A model server not found (another user's process, one outside this
 * process's PID namespace: a pod's other container, the host of a container sharing its network) or in no limited
 * group bounds nothing: the machine's reading stands. Linux only; elsewhere it finds nothing. Called on the resource
 * sampler's thread.
 */
final class ModelServerMemory {
    private static final Logger LOG = Logger.getLogger(ModelServerMemory.class.getName());

    /**
     * @param limitMb     the limit that binds
     * @param availableMb what it leaves
     * @param where       whose limit, in words: the backend, its address, its process and the group
     */
    record Bound(long limitMb, long availableMb, String where) {}

    private final Supplier<WarmupSettings> settings;
    private final ListeningProcess listeners;
    private final CgroupMemory cgroups;
    private String lastWhere; // what the log last said, so that it says each change once

    @Inject
    ModelServerMemory(ConfigurationManager config) {
        this(config::current, Path.of("/"));
    }

    /** @param root the file system's root: "/" but in tests */
    ModelServerMemory(Supplier<WarmupSettings> settings, Path root) {
        this.settings = settings;
        this.listeners = new ListeningProcess(root);
        this.cgroups = new CgroupMemory(root);
    }

    /** The tightest bound among the model servers found in a limited cgroup; empty when none is. */
    Optional<Bound> bound() {
        Bound best = null;
        for (Map.Entry<String, BackendSpec> e : settings.get().backends().entrySet()) {
            Optional<Bound> b = bound(e.getKey(), e.getValue());
            if (b.isPresent() && (best == null || b.get().availableMb() < best.availableMb())) {
                best = b.get();
            }
        }
        say(best);
        return Optional.ofNullable(best);
    }

    private Optional<Bound> bound(String name, BackendSpec spec) {
        if (BackendSpec.CLIENT.equals(spec.type())) {
            return Optional.empty();
        }
        URI url;
        try {
            url = URI.create(spec.url());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!Loopback.isLoopbackHost(url.getHost())) {
            return Optional.empty(); // another machine's memory
        }
        int port = url.getPort() >= 0 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        OptionalLong pid = listeners.on(port);
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        return cgroups.of(pid.getAsLong()).map(h -> new Bound(h.limitMb(), h.availableMb(), "the cgroup of backend "
                + name + "'s model server (port " + port + ", pid " + pid.getAsLong() + ", " + h.group() + ")"));
    }

    private void say(Bound b) {
        String where = b == null ? null : b.where();
        if (Objects.equals(where, lastWhere)) {
            return;
        }
        if (b != null) {
            LOG.info("memory: " + where + " is limited to " + b.limitMb() + " MB, " + b.availableMb()
                    + " MB of it available: the memory budget keeps within it");
        } else {
            LOG.info("memory: no model server found in a cgroup with a memory limit: the machine's reading alone"
                    + " bounds the memory budget");
        }
        lastWhere = where;
    }
}
