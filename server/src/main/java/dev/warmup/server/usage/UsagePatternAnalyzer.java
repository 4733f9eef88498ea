package dev.warmup.server.usage;

import com.google.gson.JsonObject;
import dev.warmup.protocol.UsageStats;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.metrics.ModelWarmupMetrics;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * The usage feed: every observed message becomes a {@link UsageEvent} (metadata only), counted and handed to the
 * {@link EventPipeline}, which stores it and shows it to the observers (the prediction engine). Also answers usage
 * statistics from the store.
 */
@Singleton
public final class UsagePatternAnalyzer {
    static final long STORE_WAIT_SECONDS = 5;
    private final EventPipeline pipeline;
    private final ModelWarmupMetrics metrics;
    private final UsageStatsQuery statsQuery;

    private final PatternQuery patterns;
    private final ConfigurationManager config;
    private final Clock clock;

    @Inject
    public UsagePatternAnalyzer(EventPipeline pipeline, ModelWarmupMetrics metrics, UsageStatsQuery statsQuery,
                                PatternQuery patterns, ConfigurationManager config, Clock clock) {
        this.pipeline = pipeline;
        this.metrics = metrics;
        this.statsQuery = statsQuery;
        this.patterns = patterns;
        this.config = config;
        this.clock = clock;
    }

    /**
     * Tasks ranked by recency (decayed over {@code windowSeconds}), frequency, hour of day and day of week: the
     * fallback view of what the developer uses, from the whole stored history.
     */
    public List<TaskPattern> analyzePatterns(long nowMillis, long windowSeconds) {
        try {
            return patterns.rank(nowMillis, windowSeconds * 1000);
        } catch (SQLException e) {
            throw new WarmupException(ErrorCode.WMP_7004, "reading usage patterns: " + e.getMessage(), e);
        }
    }

    /** Records one event; cheap and non-blocking (safe on a request thread). A full queue drops it. */
    public void recordUsage(UsageEvent event) {
        if (pipeline.offer(event)) { // a dropped event is counted as dropped only (WMP-1002)
            metrics.eventRecorded(event.kind());
        }
    }

    /**
     * Waits until every event recorded before this call is in the store (the pipeline writes in batches, up to a
     * second apart), so that a read of the store next sees them all; at most {@link #STORE_WAIT_SECONDS}, after which
     * (the store failing) the read goes on with what it holds. Returns whether they all were written.
     */
    public boolean awaitStored() {
        try {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STORE_WAIT_SECONDS);
            pipeline.flush(Duration.ofSeconds(STORE_WAIT_SECONDS)).get(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Marks {@code answer}, read from the store after {@link #awaitStored} gave up (the store failing), as not
     * complete: {@code complete: false} and a {@code note} saying what is missing from {@code what} ("trace", say).
     */
    public static JsonObject markIncomplete(JsonObject answer, String what) {
        String missing = notStored("this " + what);
        answer.addProperty("complete", false);
        answer.addProperty("note", answer.has("note") ? answer.get("note").getAsString() + "; " + missing : missing);
        return answer;
    }

    private static String notStored(String where) {
        return "the latest events recorded were still waiting for the usage store, which cannot be written now"
                + " (WMP-7002), and are not in " + where;
    }

    /**
     * Drops the events recorded and not yet stored (the history is being forgotten), waiting at most
     * {@link #STORE_WAIT_SECONDS} for the pipeline to have dropped them; returns how many, or -1 when it could not say
     * in that time (the pipeline drops them all the same when it gets there).
     */
    public int discardUnstored() {
        try {
            return pipeline.discardWaiting().get(STORE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Registers an observer of every recorded event, called in order on the pipeline's thread. */
    public void observe(Consumer<UsageEvent> observer) {
        pipeline.addObserver(observer);
    }

    /**
     * Statistics of a model (or, with {@code model} null, of a task, or of all uses, which also ranks the tasks by
     * {@link #analyzePatterns}), with the recent uses counted over {@code usageWindowSeconds}.
     */
    public UsageStats usageStats(String model, String task) {
        boolean all = awaitStored();
        long now = clock.millis();
        int window = config.current().usageWindowSeconds();
        // for all uses, the tasks ranked as analyzePatterns ranks them, from the same pass over the store
        PatternQuery.Ranking ranking = model == null && task == null ? patterns.ranking(now, window * 1000L) : null;
        try {
            UsageStats stats = statsQuery.stats(model, task, now, window, ranking);
            return all ? stats : stats.incomplete(notStored("these statistics"));
        } catch (SQLException e) {
            throw new WarmupException(ErrorCode.WMP_7004, "reading usage statistics: " + e.getMessage(), e);
        }
    }
}
