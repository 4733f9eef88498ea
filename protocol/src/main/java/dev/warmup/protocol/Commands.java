package dev.warmup.protocol;

import java.util.List;

/** The {@code workspace/executeCommand} commands the server provides. */
public final class Commands {
    public static final String STATUS = "warmup.status";
    public static final String METRICS = "warmup.metrics";
    public static final String CONFIG = "warmup.config";
    public static final String USAGE_STATS = "warmup.usageStats";
    public static final String EXPORT_TRACE = "warmup.exportTrace";
    public static final String COMPARE = "warmup.compare";
    public static final String RETRAIN = "warmup.retrain";
    public static final String EVALUATE = "warmup.evaluate";
    public static final String PAUSE = "warmup.pause";
    public static final String RESUME = "warmup.resume";
    /** Deletes the recorded history and what was learnt from it; see the README's "Privacy and safety". */
    public static final String FORGET_HISTORY = "warmup.forgetHistory";

    public static final List<String> ALL =
            List.of(STATUS, METRICS, CONFIG, USAGE_STATS, EXPORT_TRACE, COMPARE, RETRAIN, EVALUATE, PAUSE, RESUME,
                    FORGET_HISTORY);

    private Commands() {}
}
