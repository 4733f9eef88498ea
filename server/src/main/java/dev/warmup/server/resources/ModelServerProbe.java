package dev.warmup.server.resources;

import dev.warmup.server.config.WarmupSettings;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The machine's reading ({@link OshiProbe}) within the limits of the model servers' cgroups where one binds: the
 * memory a limit leaves, the load of a CPU quota ({@link ModelServerLimits}). Not thread-safe.
 */
public final class ModelServerProbe implements SystemProbe {
    private final SystemProbe machine;
    private final ModelServerLimits servers;

    @Inject
    ModelServerProbe(OshiProbe machine, ModelServerLimits servers) {
        this((SystemProbe) machine, servers);
    }

    ModelServerProbe(SystemProbe machine, ModelServerLimits servers) {
        this.machine = machine;
        this.servers = servers;
    }

    /**
     * Over another reading of the machine, the backends of {@code settings}, and the files of Linux under
     * {@code root} (tests: a hand-made /proc and /sys/fs/cgroup).
     */
    public static ModelServerProbe over(SystemProbe machine, Supplier<WarmupSettings> settings, Path root) {
        return new ModelServerProbe(machine, new ModelServerLimits(settings, root));
    }

    @Override
    public Snapshot sample() {
        return servers.bound(machine.sample());
    }

    @Override
    public void restartInterval() {
        machine.restartInterval();
        servers.restartInterval();
    }
}
