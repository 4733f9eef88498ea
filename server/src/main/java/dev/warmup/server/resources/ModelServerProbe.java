package dev.warmup.server.resources;

import dev.warmup.server.config.WarmupSettings;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The machine's reading ({@link OshiProbe}), its memory bounded by the limit of the model servers' cgroups where one
 * binds ({@link ModelServerMemory}). Not thread-safe.
 */
public final class ModelServerProbe implements SystemProbe {
    private final SystemProbe machine;
    private final ModelServerMemory servers;

    @Inject
    ModelServerProbe(OshiProbe machine, ModelServerMemory servers) {
        this((SystemProbe) machine, servers);
    }

    ModelServerProbe(SystemProbe machine, ModelServerMemory servers) {
        this.machine = machine;
        this.servers = servers;
    }

    /**
     * Over another reading of the machine, the backends of {@code settings}, and the files of Linux under
     * {@code root} (tests: a hand-made /proc and /sys/fs/cgroup).
     */
    public static ModelServerProbe over(SystemProbe machine, Supplier<WarmupSettings> settings, Path root) {
        return new ModelServerProbe(machine, new ModelServerMemory(settings, root));
    }

    @Override
    public Snapshot sample() {
        Snapshot s = machine.sample();
        return servers.bound().map(b -> s.within(b.limitMb(), b.availableMb(), b.where())).orElse(s);
    }

    @Override
    public void restartInterval() {
        machine.restartInterval();
    }
}
