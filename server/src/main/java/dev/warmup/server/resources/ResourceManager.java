package dev.warmup.server.resources;

import com.google.gson.JsonObject;
import dev.warmup.server.config.BackendSpec;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.config.WarmupSettings;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.RepeatedWarnings;
import dev.warmup.server.errors.WarmupException;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The machine's resources as the scheduler sees them: a snapshot sampled in the background every few seconds (a
 * read is a volatile read, free on any thread), the memory budget left for our models, whether the CPU is too busy
 * to start a load, and the emergency state — system memory nearly exhausted — in which the scheduler unloads its
 * lowest-value models (WMP-4001).
 */
@Singleton
public final class ResourceManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ResourceManager.class.getName());
    /** Emergency below this share of physical memory available (and never above {@link #EMERGENCY_MAX_MB}). */
    static final double EMERGENCY_SHARE = 0.05;
    static final long EMERGENCY_MAX_MB = 1024;

    /** Makes the probe, on the sampler's thread at its first sample: OSHI's start (JNA) is off the server's start. */
    private final Provider<SystemProbe> probes;
    private SystemProbe probe; // made at the first sample; guarded by this
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "warmup-resources");
        t.setDaemon(true);
        return t;
    });
    private volatile SystemProbe.Snapshot snapshot;
    private final Supplier<Map<String, BackendSpec>> backends;
    /** The backends whose model servers the latest sample (or failed attempt) read, and after which lookAgain. */
    private volatile Read sampled = new Read(null, 0);
    /** Calls to {@link #lookAgain} so far, and up to which the probe was told (the sampler's thread). */
    private final AtomicLong lookAgainAsked = new AtomicLong();
    private long lookAgainTold;
    private volatile boolean sampling; // in the background, since start
    private CompletableFuture<Void> pendingSample; // guarded by this

    /** The system's probe failing (every sample, every few seconds): said once a minute. */
    private final RepeatedWarnings probeTrouble;

    @Inject
    public ResourceManager(Provider<SystemProbe> probes, Clock clock, ConfigurationManager config) {
        this(probes, clock, () -> config.current().backends());
    }

    private ResourceManager(Provider<SystemProbe> probes, Clock clock, Supplier<Map<String, BackendSpec>> backends) {
        this.probes = probes;
        this.backends = backends;
        this.probeTrouble = new RepeatedWarnings(LOG, clock::millis);
    }

    /** Over the probes {@code probes} makes (tests): no backends. */
    ResourceManager(Provider<SystemProbe> probes, Clock clock) {
        this(probes, clock, Map::of);
    }

    /** Over a given probe (tests): no backends. */
    ResourceManager(SystemProbe probe, Clock clock) {
        this((Provider<SystemProbe>) () -> probe, clock);
    }

    /** On the system clock (tests). */
    ResourceManager(SystemProbe probe) {
        this(probe, Clock.systemUTC());
    }

    /**
     * Samples in the background, at once and then every {@code periodSeconds}. Until the first sample (the probe is
     * made then, which takes OSHI a tenth of a second) the snapshot is null, read as when the probe fails: the
     * configured budget, the CPU not busy.
     */
    public void start(long periodSeconds) {
        sampling = true;
        sampler.scheduleWithFixedDelay(this::refresh, 0, periodSeconds, TimeUnit.SECONDS);
    }

    /** What a sample read: the backends then, and the calls to {@link #lookAgain} before it. */
    private record Read(Map<String, BackendSpec> backends, long lookAgainAsked) {}

    /** Samples now (the sampler's thread, and tests). */
    public void refresh() {
        // before the probe reads them: a change, or a call to look again, after it is seen next
        Read reading = new Read(backends.get(), lookAgainAsked.get());
        try {
            if (reading.lookAgainAsked() != lookAgainTold) {
                probe().lookAgain();
                lookAgainTold = reading.lookAgainAsked();
            }
            snapshot = probe().sample();
            probeTrouble.clear();
        } catch (RuntimeException | LinkageError e) { // a probe that cannot be made (JNA) is tried again next time
            probeTrouble.warn(new WarmupException(ErrorCode.WMP_4003, String.valueOf(e)).getMessage(), e);
        } finally {
            sampled = reading;
        }
    }

    /**
     * A model server that did not answer answers again (started, or restarted as another process): until the next
     * sample has looked for it afresh, its cgroup's limits are not known ({@link #readFor}).
     */
    public void lookAgain() {
        lookAgainAsked.incrementAndGet();
    }

    /**
     * Whether the latest reading looked for the model servers of {@code settings}' backends: not at the server's start
     * until its first sample, nor after a change of the backends or a call to {@link #lookAgain} until the next, and
     * until then the memory limits of the new model servers' cgroups are not known ({@link #sampleNow}). Always, when
     * not sampling in the background (tests sample by hand).
     */
    public boolean readFor(WarmupSettings settings) {
        Read read = sampled;
        return !sampling
                || settings.backends().equals(read.backends()) && read.lookAgainAsked() == lookAgainAsked.get();
    }

    /** Samples now on the sampler's thread; completes once it has (at once when the sampler has stopped). */
    public synchronized CompletableFuture<Void> sampleNow() {
        if (pendingSample == null || pendingSample.isDone()) {
            try {
                pendingSample = CompletableFuture.runAsync(this::refresh, sampler);
            } catch (RejectedExecutionException stopped) {
                pendingSample = CompletableFuture.completedFuture(null);
            }
        }
        return pendingSample;
    }

    private synchronized SystemProbe probe() {
        if (probe == null) {
            probe = probes.get();
        }
        return probe;
    }

    /**
     * Samples again {@code millis} from now, over those milliseconds only (not since the last sample, which may hold
     * the CPU of a load that has just ended); the future completes once that sample is the snapshot, or at once when
     * the sampler has stopped (and never when it stops while waiting: nothing is left to act on it).
     */
    public CompletableFuture<Void> sampleAfresh(long millis) {
        CompletableFuture<Void> sampled = new CompletableFuture<>();
        try {
            sampler.execute(() -> {
                try {
                    probe().restartInterval();
                } catch (RuntimeException | LinkageError e) {
                    LOG.log(Level.FINE, "restarting the CPU interval failed", e);
                }
                try {
                    sampler.schedule(() -> {
                        refresh();
                        sampled.complete(null);
                    }, millis, TimeUnit.MILLISECONDS);
                } catch (RejectedExecutionException stopping) {
                    sampled.complete(null);
                }
            });
        } catch (RejectedExecutionException stopped) {
            sampled.complete(null);
        }
        return sampled;
    }

    /** The latest snapshot, or null before the first sample. */
    public SystemProbe.Snapshot snapshot() {
        return snapshot;
    }

    /**
     * The latest reading, for {@code warmup.metrics}: the machine's memory total and available (MB), its CPU load when
     * known, the model servers' memory limits that leave less than the machine has, and their CPU quotas that read
     * busier; empty before the first.
     */
    public Optional<JsonObject> toJson() {
        return Optional.ofNullable(snapshot).map(ReadingJson::of);
    }

    /** The machine's memory nearly exhausted (a model server's cgroup's: {@link #limitBudgets}). */
    public boolean emergency() {
        SystemProbe.Snapshot s = snapshot;
        return s != null && emergency(s);
    }

    static boolean emergency(SystemProbe.Snapshot s) {
        return s.availableMb() < reserveMb(s);
    }

    /**
     * Memory our models may hold: {@code maxMemoryMb}, but no more than what they hold now plus what the system
     * has available above the emergency reserve.
     */
    public long memoryBudgetMb(WarmupSettings settings, long heldMb) {
        SystemProbe.Snapshot s = snapshot;
        return s == null ? settings.maxMemoryMb() : budgetMb(s, settings, heldMb);
    }

    static long budgetMb(SystemProbe.Snapshot s, WarmupSettings settings, long heldMb) {
        return Math.min(settings.maxMemoryMb(), heldMb + Math.max(0, s.availableMb() - reserveMb(s)));
    }

    static long reserveMb(SystemProbe.Snapshot s) {
        return reserveMb(s.totalMb());
    }

    /** The emergency reserve of {@code totalMb} of memory, a machine's or a limit's: 5 %, at most 1 GB. */
    static long reserveMb(long totalMb) {
        return Math.min(EMERGENCY_MAX_MB, Math.round(totalMb * EMERGENCY_SHARE));
    }

    /**
     * What our models hold and what waits to load, as {@link #heldBack} weighs it.
     *
     * @param heldMb       what they hold, warm and loading (MB)
     * @param heldOn       what those of some backends hold (MB)
     * @param loadsWaiting whether any warm-up waits in the queue
     * @param waitingOn    whether a warm-up of a model of some backends waits in the queue
     */
    public record Ours(long heldMb, ToLongFunction<Set<String>> heldOn, boolean loadsWaiting,
                       Predicate<Set<String>> waitingOn) {}

    /**
     * The budgets the model servers' memory limits set, where a limit leaves less than the machine has available;
     * {@code heldOn} says what our models of some backends hold now (MB).
     */
    public List<LimitBudget> limitBudgets(ToLongFunction<Set<String>> heldOn) {
        SystemProbe.Snapshot s = snapshot;
        return s == null ? List.of() : LimitBudget.of(s, heldOn);
    }

    /** The machine's CPU is busier than {@code maxCpuPercent}: no new load starts now. */
    public boolean cpuBusy(WarmupSettings settings) {
        SystemProbe.Snapshot s = snapshot;
        return s != null && cpuBusy(s, settings);
    }

    static boolean cpuBusy(SystemProbe.Snapshot s, WarmupSettings settings) {
        return s.cpuLoad() >= 0 && busierThanAllowed(s.cpuLoad(), settings);
    }

    /** A load in [0, 1], the machine's or a quota's, above {@code maxCpuPercent}. */
    static boolean busierThanAllowed(double load, WarmupSettings settings) {
        return load * 100 > settings.maxCpuPercent();
    }

    /**
     * The backends whose model server's cgroup has a CPU quota busier than {@code maxCpuPercent}: no load of their
     * models starts now, though the machine's CPU may allow it.
     */
    public Set<String> busyBackends(WarmupSettings settings) {
        SystemProbe.Snapshot s = snapshot;
        if (s == null) {
            return Set.of();
        }
        Set<String> out = new TreeSet<>();
        for (SystemProbe.CpuLimit q : s.cpuLimits()) {
            if (busierThanAllowed(q.load(), settings)) {
                out.addAll(q.backends());
            }
        }
        return out;
    }

    /**
     * What holds warming back now, each a WMP message for {@code warmup/status} ({@link HeldBack}); none before the
     * first sample.
     */
    public List<String> heldBack(WarmupSettings settings, Ours ours) {
        SystemProbe.Snapshot s = snapshot;
        return s == null ? List.of() : HeldBack.of(s, settings, ours);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
