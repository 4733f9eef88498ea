package dev.warmup.server.prediction;

import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * Prequential training samples: a sample is taken at some time with the features of that time; it stays pending
 * until its horizon has fully elapsed, collecting the requests that follow it; only then (matured) may it be
 * learnt from. Matured samples are kept in a bounded buffer, the most recent ones.
 */
final class Samples {
    /** One pending sample. */
    static final class Pending {
        final long at;
        final long seq;
        final float[] x;
        final int type;
        final boolean[] label;

        Pending(long at, long seq, float[] x, int type, int tasks) {
            this.at = at;
            this.seq = seq;
            this.x = x;
            this.type = type;
            this.label = new boolean[tasks];
        }
    }

    private final int tasks;
    private final int cols;
    private final long horizon;
    private final int capacity;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private final float[] x;
    private final boolean[][] y;
    private int size;
    private int next;
    private long matured;

    Samples(int tasks, int cols, long horizonMillis, int capacity) {
        this.tasks = tasks;
        this.cols = cols;
        this.horizon = horizonMillis;
        this.capacity = capacity;
        this.x = new float[capacity * cols];
        this.y = new boolean[tasks][capacity];
    }

    void take(Pending p) {
        pending.addLast(p);
    }

    /** A request for {@code task} at {@code t}, the event numbered {@code seq}: labels the samples it falls after. */
    void request(int task, long t, long seq) {
        for (Pending p : pending) {
            if (p.seq < seq && t <= p.at + horizon) {
                p.label[task] = true;
            }
        }
    }

    /** Samples whose horizon ended before {@code now} mature; each is handed to {@code onMature}. */
    void mature(long now, java.util.function.Consumer<Pending> onMature) {
        while (!pending.isEmpty() && pending.peekFirst().at + horizon < now) {
            Pending p = pending.pollFirst();
            System.arraycopy(p.x, 0, x, next * cols, cols);
            for (int k = 0; k < tasks; k++) {
                y[k][next] = p.label[k];
            }
            next = (next + 1) % capacity;
            size = Math.min(size + 1, capacity);
            matured++;
            onMature.accept(p);
        }
    }

    long matured() {
        return matured;
    }

    int size() {
        return size;
    }

    /** The matured samples, oldest first, row-major. */
    float[] features() {
        float[] out = new float[size * cols];
        int start = size < capacity ? 0 : next;
        for (int i = 0; i < size; i++) {
            System.arraycopy(x, ((start + i) % capacity) * cols, out, i * cols, cols);
        }
        return out;
    }

    /** Labels of task {@code k}, in the order of {@link #features()}. */
    float[] labels(int k) {
        float[] out = new float[size];
        int start = size < capacity ? 0 : next;
        for (int i = 0; i < size; i++) {
            out[i] = y[k][(start + i) % capacity] ? 1 : 0;
        }
        return out;
    }

    int positives(int k) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            n += y[k][i] ? 1 : 0;
        }
        return n;
    }

    @Override
    public String toString() {
        return "Samples" + Arrays.toString(new long[] {size, matured, pending.size()});
    }
}
