package dev.warmup.server.errors;

import static dev.warmup.server.errors.ErrorCategory.*;
import static dev.warmup.server.errors.Severity.*;

/**
 * Every code the server can emit: {@code WMP-<component><number>}. Components: 1 UsagePatternAnalyzer,
 * 2 PredictionEngine, 3 WarmupScheduler, 4 ResourceManager, 5 WarmupQueue, 6 PerformancePredictor,
 * 7 ModelWarmupMetrics (and the store), 8 integration (protocol, configuration, backends).
 * README.md's troubleshooting section lists the same codes; a test keeps the two in step.
 */
public enum ErrorCode {
    WMP_1001("UsagePatternAnalyzer", INVALID_INPUT, warning, "Invalid usage report",
            "Check the fields of warmup/modelUsed or warmup/activity against protocol/README.md."),
    WMP_1002("UsagePatternAnalyzer", RESOURCE_EXHAUSTED, warning, "Usage events dropped: the event queue is full",
            "The store is not keeping up; see storeWriteLatency in warmup.metrics and the disk of the data directory."),
    WMP_1003("UsagePatternAnalyzer", PREDICTION, info, "Insufficient training data: the heuristic predictor serves",
            "Nothing to do: the learned predictor takes over once enough model requests are recorded."),
    WMP_1004("UsagePatternAnalyzer", INVALID_INPUT, info, "Nothing to compare yet: no model requests recorded",
            "The comparison replays the model requests your editor or orchestrator reports with warmup/modelUsed."),
    WMP_2001("PredictionEngine", PREDICTION, warning, "Prediction model could not be loaded; it was discarded",
            "Nothing to do: the model is retrained from the usage history."),
    WMP_2002("PredictionEngine", PREDICTION, error, "Training failed",
            "See the log file; the previous model (or the heuristic) keeps serving. When XGBoost's native library"
                    + " could not be loaded: install OpenMP's runtime (libgomp) if it is missing, or start the server"
                    + " with -Djava.io.tmpdir=DIR, a folder it may write and load libraries from."),
    WMP_2003("PredictionEngine", INVALID_INPUT, warning, "Invalid prediction request",
            "horizonSeconds must be 1..86400 and limit 1..1000."),
    WMP_2004("PredictionEngine", INTERNAL, warning, "Prediction model could not be saved",
            "Check free disk space and permissions of the data directory; the model keeps serving, and the next"
                    + " start retrains it from the history."),
    WMP_2005("PredictionEngine", INTERNAL, error, "A file holding the forgotten history could not be deleted",
            "The history is forgotten from the store, but the trained model or a copy set aside or exported into the"
                    + " data directory is still there: delete what the message names, or run warmup.forgetHistory"
                    + " again."),
    WMP_3001("WarmupScheduler", TIMEOUT, warning, "Warm-up timed out and was abandoned",
            "The load took longer than warmupTimeoutSeconds; raise it or check the model server."),
    WMP_3002("WarmupScheduler", RESOURCE_ALLOCATION, warning, "Warm-up failed after retries",
            "See the backend error in the log; the model is tried again every 10 minutes, at once when its model"
                    + " server answers again, the editor's loader registers or the settings change."),
    WMP_3003("WarmupScheduler", INVALID_INPUT, warning, "Unknown model",
            "The model is not in the catalogue (warmup.models or warmup/registerModels)."),
    WMP_4001("ResourceManager", RESOURCE_EXHAUSTED, warning, "System memory nearly exhausted: models unloaded",
            "Close other programs or lower maxMemoryMb / maxWarmModels; where the message names a model server's"
                    + " cgroup, its container's (or unit's) memory limit is what is nearly reached."),
    WMP_4002("ResourceManager", RESOURCE_ALLOCATION, warning, "Model does not fit in the memory budget",
            "Raise maxMemoryMb or register a smaller model."),
    WMP_4003("ResourceManager", INTERNAL, warning, "System memory and CPU could not be read: the last reading stands",
            "See the log file; until a reading succeeds, the last one stands (before any, maxMemoryMb and"
                    + " maxCpuPercent alone)."),
    WMP_4004("ResourceManager", RESOURCE_ALLOCATION, info, "Warm-ups wait: the CPU is busier than maxCpuPercent",
            "Nothing to do: the queued warm-ups start once the machine is less busy; raise maxCpuPercent to let them"
                    + " start on a busier machine. Where the message names a model server's cgroup, its container's (or"
                    + " unit's) CPU quota is what is busy, and only its models' warm-ups wait."),
    WMP_4005("ResourceManager", RESOURCE_ALLOCATION, info,
            "Memory budget lowered: the machine has less memory available than maxMemoryMb",
            "Nothing to do: fewer models are kept warm until other programs free memory; the full budget comes back"
                    + " with it. Where the message names a model server's cgroup, the budget keeps within that"
                    + " container's (or unit's) memory limit."),
    WMP_5001("WarmupQueue", RESOURCE_EXHAUSTED, warning, "Warm-up queue overflow: lowest-priority entry shed",
            "Raise maxQueueSize, or fewer models are predicted at once than are queued."),
    WMP_5002("WarmupQueue", INVALID_INPUT, info,
            "Warm-up cancelled: the prediction was withdrawn, the schedule trimmed, or warming paused",
            "Nothing to do."),
    WMP_6001("PerformancePredictor", RESOURCE_ALLOCATION, info, "Schedule trimmed: its performance impact is above the threshold",
            "Raise performanceImpactThreshold to allow more background loading."),
    WMP_6002("PerformancePredictor", PREDICTION, info, "No load history: conservative defaults used",
            "Nothing to do: estimates improve after the first loads."),
    WMP_7001("ModelWarmupMetrics", INTERNAL, warning, "Usage store damaged: moved aside, a fresh store was started",
            "The events and daily counts that could still be read are in the new store (the message says how"
                    + " many); the damaged file is kept beside it (*.corrupt-<time>) for inspection."),
    WMP_7002("ModelWarmupMetrics", INTERNAL, error, "Usage store write failed",
            "Check free disk space and permissions of the data directory."),
    WMP_7003("ModelWarmupMetrics", INTERNAL, error, "Trace export failed",
            "Check that the target path is writable and names no existing file."),
    WMP_7004("ModelWarmupMetrics", INTERNAL, error, "Usage store read failed",
            "Retry; if it persists, restart the server (a damaged store is moved aside, WMP-7001)."),
    WMP_7005("ModelWarmupMetrics", INTERNAL, warning, "URI salt damaged: moved aside, a new one was made",
            "Documents recorded before no longer match their new hashes; the damaged file is kept (*.corrupt-<time>)."),
    WMP_7006("ModelWarmupMetrics", INTERNAL, warning, "Usage store unusable now: history kept in memory until restart",
            "The message says why: a store changed by a newer version of the server in a way this one"
                    + " cannot use (update this editor's warm-up extension), or one locked or unreadable; the file is"
                    + " left as it is."),
    WMP_7007("ModelWarmupMetrics", INTERNAL, warning, "Data directory unusable: a temporary one serves until exit",
            "The message says why; give --data-dir (or leave the default) a directory you can write. Nothing this"
                    + " session records is kept after it."),
    WMP_7008("ModelWarmupMetrics", INTERNAL, warning, "URI salt unusable: this session hashes with a salt of its own",
            "Check free disk space and permissions of the data directory; documents this session records do not"
                    + " match those of other sessions."),
    WMP_8001("Configuration", CONFIGURATION, error, "Invalid setting: the previous configuration stays in force",
            "Correct the named key in the warmup settings section."),
    WMP_8002("Integration", INVALID_INPUT, error, "Unknown command",
            "Use one of the warmup.* commands listed in README.md."),
    WMP_8003("Integration", INVALID_INPUT, error, "Invalid parameters",
            "Check the parameters against protocol/README.md."),
    WMP_8004("Integration", RESOURCE_ALLOCATION, warning, "Model server request failed",
            "Check that the model server is running at the backend's url; an unexpected answer or one that is not"
                    + " JSON says the url names another kind of server than the backend's type."),
    WMP_8005("Integration", RESOURCE_ALLOCATION, warning, "Model server circuit open: calls paused",
            "The endpoint failed repeatedly; calls resume after the breaker's cool-down."),
    WMP_8006("Integration", CONFIGURATION, error, "Remote model server refused",
            "Backends must be loopback; set allowRemote: true on the backend to allow another host."),
    WMP_8007("Integration", INTERNAL, error, "Internal error",
            "Please report it with the log file."),
    WMP_8008("Integration", NOT_INITIALIZED, error, "Server not initialized",
            "Send initialize (and initialized) before any other request."),
    WMP_8009("Integration", INVALID_REQUEST, error, "Server shut down: only exit is accepted",
            "Start a new server; after shutdown the protocol allows only the exit notification."),
    WMP_8010("Configuration", CONFIGURATION, warning, "Unknown setting, ignored",
            "Check the key's spelling against the Configuration section of README.md; its default stays in force."),
    WMP_8011("Integration", PARSE_ERROR, error, "Malformed message: not one JSON-RPC object",
            "Each frame's body must be one JSON object of exactly Content-Length bytes; see protocol/README.md."),
    WMP_8012("Integration", METHOD_NOT_FOUND, error, "Unknown method",
            "Check the method's name against protocol/README.md (warmup/*) and the LSP methods the server serves."),
    WMP_8013("Integration", CONFIGURATION, warning, "Model server stopped a model to start another",
            "llama-swap runs together only the models its configuration allows: list the models warm-up manages"
                    + " in one matrix set (a & b & c), or in a group with swap: false in older configurations; a"
                    + " llama.cpp router runs at most --models-max models (4 by default): start it with at least"
                    + " maxWarmModels (0: no limit). Then the plan alone decides what stays loaded."),
    WMP_8014("Integration", INVALID_INPUT, error, "Command-line input refused",
            "The message names the option, file or line at fault; java -jar warmup-server.jar help COMMAND lists"
                    + " the options, README.md the trace and catalogue formats."),
    WMP_8015("Integration", INVALID_INPUT, info, "Answer to no request of the server's",
            "The client answered a request the server did not send, or one already answered; the answer is ignored."),
    WMP_8016("Integration", CONFIGURATION, warning, "Log file unusable: logging to stderr and the editor only",
            "The message says why; give --log-file a file you can write (its folder is made if missing)."),
    WMP_8017("Integration", INVALID_REQUEST, error, "Server already initialized",
            "Send initialize once; the first one's settings and capabilities stand (change settings with"
                    + " workspace/didChangeConfiguration).");

    private final String component;
    private final ErrorCategory category;
    private final Severity severity;
    private final String title;
    private final String hint;

    ErrorCode(String component, ErrorCategory category, Severity severity, String title, String hint) {
        this.component = component;
        this.category = category;
        this.severity = severity;
        this.title = title;
        this.hint = hint;
    }

    /** The code as users see it, e.g. {@code WMP-5001}. */
    public String id() {
        return name().replace('_', '-');
    }

    public String component() { return component; }
    public ErrorCategory category() { return category; }
    public Severity severity() { return severity; }
    public String title() { return title; }
    public String hint() { return hint; }
}
