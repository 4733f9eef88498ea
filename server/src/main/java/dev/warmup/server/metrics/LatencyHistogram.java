package dev.warmup.server.metrics;

import com.google.gson.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** A thread-safe latency histogram (HdrHistogram): recording is wait-free; reports are cumulative. */
public final class LatencyHistogram {
    private final Recorder recorder = new Recorder(3);
    private final Histogram total = new Histogram(3);

    /** Records one latency in nanoseconds. */
    public void recordNanos(long nanos) {
        recorder.recordValue(Math.max(0, nanos));
    }

    /** Count, mean and percentiles in microseconds, cumulative since start. */
    public synchronized JsonObject toJson() {
        total.add(recorder.getIntervalHistogram());
        JsonObject o = new JsonObject();
        o.addProperty("count", total.getTotalCount());
        o.addProperty("meanUs", round(total.getMean() / 1000.0));
        o.addProperty("p50Us", round(total.getValueAtPercentile(50) / 1000.0));
        o.addProperty("p90Us", round(total.getValueAtPercentile(90) / 1000.0));
        o.addProperty("p99Us", round(total.getValueAtPercentile(99) / 1000.0));
        o.addProperty("maxUs", round(total.getMaxValue() / 1000.0));
        return o;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
