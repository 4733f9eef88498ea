package dev.warmup.server.performance;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.protocol.PerformanceImpact;
import jakarta.inject.Singleton;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Learns each model's load time and memory from observed loads, and estimates what a set of loads costs the
 * developer's machine.
 *
 * <p>Load time: an EWMA (weight 0.3) of the observed loads, and a robust upper estimate, the 90th percentile of the
 * last 20; with no history, the catalogue's {@code loadSeconds} (a conservative default, WMP-6002). Memory: the last
 * size the backend reported, else the catalogue's {@code memoryMb}.
 *
 * <p>Impact of loads over a horizon of {@code H} seconds on a machine of {@code C} cores, each load keeping one core
 * busy for its expected load time {@code L}: {@code cpuImpactPercent = 100 × ΣL / (H × C)};
 * {@code responsivenessImpact} is that share in [0, 1]; {@code latencyIncreaseMs} is the slowdown it adds to a 1 ms
 * editor request on a shared core, {@code share / (1 − share)} ms; {@code memoryImpactMb} is the memory the loads
 * hold; {@code networkImpactMbps} is 0 (the model servers read weights from their own disks). Acceptable when
 * {@code responsivenessImpact ≤ performanceImpactThreshold}.
 */
@Singleton
public final class PerformancePredictor {
    static final double ALPHA = 0.3;
    static final int WINDOW = 20;

    private final Map<String, Deque<Double>> loads = new ConcurrentHashMap<>();
    private final Map<String, Double> ewma = new ConcurrentHashMap<>();
    private final Map<String, Long> memory = new ConcurrentHashMap<>();
    private final int cores;

    public PerformancePredictor() {
        this(Runtime.getRuntime().availableProcessors());
    }

    public PerformancePredictor(int cores) {
        this.cores = Math.max(1, cores);
    }

    /**
     * A load completed: {@code loadMs} as the backend reported or as measured (-1: none was timed, as for a model found
     * loaded already), {@code memoryMb} (-1 unknown).
     */
    public void observe(String model, long loadMs, long memoryMb) {
        if (loadMs >= 0) {
            double s = loadMs / 1000.0;
            ewma.merge(model, s, (old, x) -> old + ALPHA * (x - old));
            Deque<Double> d = loads.computeIfAbsent(model, k -> new ArrayDeque<>());
            synchronized (d) {
                d.addLast(s);
                if (d.size() > WINDOW) {
                    d.removeFirst();
                }
            }
        }
        if (memoryMb > 0) {
            memory.put(model, memoryMb);
        }
    }

    /** True while a model has no observed load (the estimates are the catalogue's: WMP-6002). */
    public boolean noHistory(String model) {
        return !ewma.containsKey(model);
    }

    /** Expected load time in seconds. */
    public double expectedLoadSeconds(ModelSpec m) {
        return ewma.getOrDefault(m.id(), m.loadSeconds());
    }

    /** A high estimate of the load time: the 90th percentile of recent loads, or the catalogue's figure. */
    public double highLoadSeconds(ModelSpec m) {
        Deque<Double> d = loads.get(m.id());
        if (d == null) {
            return m.loadSeconds();
        }
        List<Double> sorted;
        synchronized (d) {
            sorted = new ArrayList<>(d);
        }
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(0.9 * sorted.size()) - 1));
    }

    public long memoryMb(ModelSpec m) {
        return memory.getOrDefault(m.id(), (long) m.memoryMb());
    }

    /** The cost of loading {@code models} within {@code horizonSeconds}, judged against {@code threshold}. */
    public PerformanceImpact assessImpact(List<ModelSpec> models, double horizonSeconds, double threshold) {
        double seconds = 0;
        double mem = 0;
        for (ModelSpec m : models) {
            seconds += expectedLoadSeconds(m);
            mem += memoryMb(m);
        }
        double share = Math.min(1.0, seconds / (Math.max(1.0, horizonSeconds) * cores));
        double latency = share >= 1 ? Double.MAX_VALUE : share / (1 - share);
        return new PerformanceImpact(100 * share, mem, 0, latency == Double.MAX_VALUE ? 1e9 : latency, share,
                share <= threshold);
    }
}
