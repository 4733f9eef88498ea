package dev.warmup.server.scheduler;

import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import dev.warmup.server.store.UsageStore;
import dev.warmup.server.usage.EventKind;
import dev.warmup.server.usage.UsageEvent;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.util.logging.Logger;

/**
 * Uses of a model that nobody reported, seen on its model server: another program (an AI extension that does not
 * report to us, a script) asked for it, which moved its keep-alive or loaded it. When no editor reports uses of the
 * model ({@link #reported}), they are recorded as soon as they are seen: learnt a minute late, they were worth a third
 * fewer saved cold starts (docs/prediction-experiments.md). They are recorded as
 * {@code model_used} events with detail {@value #DETAIL}, for the model's first task, so that the predictor learns
 * the developer's requests without any AI extension's help. A use some editor window's server has already recorded
 * (reported, or inferred by that window: {@link UsageStore#claimInferredUse}, which two windows seeing it at once
 * cannot both win) is not recorded again. Counted as {@code inferredUses} in
 * {@code warmup.metrics}, and as a hit (the model was warm) or a miss (someone's request loaded it), as a reported
 * use is.
 */
@Singleton
public final class InferredUses {
    public static final String DETAIL = "inferred";
    static final long REPORTED_WITHIN_MILLIS = 3_600_000;
    private static final Logger LOG = Logger.getLogger(InferredUses.class.getName());

    /** How long a window whose editor says it lost the focus leaves a request to the window in front. */
    static final long BLURRED_DEFER_MILLIS = 5_000;

    private final UsagePatternAnalyzer analyzer;
    private final UsageStore store;
    private final ModelWarmupMetrics metrics;
    private volatile boolean blurred; // the editor's last focus report was windowBlurred

    @Inject
    public InferredUses(UsagePatternAnalyzer analyzer, UsageStore store, ModelWarmupMetrics metrics) {
        this.analyzer = analyzer;
        this.store = store;
        this.metrics = metrics;
        analyzer.observe(e -> {
            if (e.kind() == EventKind.ACTIVITY && "windowBlurred".equals(e.detail())) {
                blurred = true;
            } else if (e.kind() == EventKind.ACTIVITY && "windowFocused".equals(e.detail())) {
                blurred = false;
            }
        });
    }

    /**
     * Whether this window may record a request seen at {@code seenAt} now: at once, unless its editor said it lost
     * the focus, when the window in front (which sees the developer's requests first, its ticks following every
     * edit) is given {@value #BLURRED_DEFER_MILLIS} ms to record it, so that two windows rarely record one request.
     */
    boolean mayRecord(long seenAt, long now) {
        return !blurred || now - seenAt >= BLURRED_DEFER_MILLIS;
    }

    /**
     * Whether uses of {@code m} are reported to the warm-up servers (some window's editor reported one in the last
     * {@value #REPORTED_WITHIN_MILLIS} ms), so that a request seen on the model server may yet be explained by a
     * report on its way.
     */
    boolean reported(ModelSpec m, long now) {
        try {
            return store.modelReportedSince(m.id(), now - REPORTED_WITHIN_MILLIS);
        } catch (SQLException e) {
            LOG.fine("cannot read whether uses of " + m.id() + " are reported: " + e.getMessage());
            return true; // wait for a report, as before
        }
    }

    /**
     * {@code m} was asked for after {@code after} and the change was seen at {@code seenAt}, unexplained since; it was
     * {@code warm} then, or loaded by that request.
     */
    void record(ModelSpec m, long after, long seenAt, boolean warm) {
        if (m.tasks() == null || m.tasks().isEmpty()) {
            return;
        }
        try {
            if (store.modelUsedAfter(m.id(), after) || !store.claimInferredUse(m.id(), after, seenAt)) {
                return; // reported, or another window's server recorded it
            }
        } catch (SQLException e) {
            LOG.fine("cannot read whether " + m.id() + " was recorded as used: " + e.getMessage());
        }
        analyzer.recordUsage(new UsageEvent(seenAt, EventKind.MODEL_USED, DETAIL, m.tasks().get(0), m.id(), null,
                null, 0, 0, -1, -1, -1, null));
        metrics.increment(ModelWarmupMetrics.Counter.INFERRED_USES);
        if (warm) {
            metrics.hit();
        } else {
            metrics.miss();
        }
    }
}
