package dev.warmup.server.resources;

import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.RepeatedWarnings;
import dev.warmup.server.errors.WarmupException;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The machine's reading ({@link OshiProbe}) within the limits of the model servers' cgroups where one binds: the
 * memory a limit leaves, the load of a CPU quota ({@link ModelServerLimits}). Not thread-safe.
 */
public final class ModelServerProbe implements SystemProbe {
    private final SystemProbe machine;
    private final ModelServerLimits servers;
    private final RepeatedWarnings trouble =
            new RepeatedWarnings(Logger.getLogger(ModelServerProbe.class.getName()), () -> System.nanoTime() / 1_000_000);

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
     * {@code root} (tests: a hand-made /proc and /sys/fs/cgroup); no connection is made to this machine's ports.
     */
    public static ModelServerProbe over(SystemProbe machine, Supplier<WarmupSettings> settings, Path root) {
        return new ModelServerProbe(machine, new ModelServerLimits(settings, root));
    }

    /** The same, finding a model server behind a NAT rule through {@code connector}'s connections. */
    public static ModelServerProbe over(SystemProbe machine, Supplier<WarmupSettings> settings, Path root,
                                        LoopbackConnector connector) {
        return new ModelServerProbe(machine, new ModelServerLimits(settings, root, System::nanoTime,
                ModelServerLimits::pause, connector));
    }

    @Override
    public Snapshot sample() {
        Snapshot s = machine.sample();
        try {
            return servers.bound(s);
        } catch (RuntimeException e) { // a reader's fault must not cost the machine's reading (WMP-4003 would keep the last)
            trouble.warn(new WarmupException(ErrorCode.WMP_8007, "reading the model servers' cgroups failed, the"
                    + " machine's reading alone stands: " + e).getMessage(), e);
            return s;
        }
    }

    @Override
    public void lookAgain() {
        servers.lookAgain();
    }

    @Override
    public void restartInterval() {
        machine.restartInterval();
        servers.restartInterval();
    }
}
