package dev.warmup.server.lsp;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.warmup.protocol.Commands;
import dev.warmup.server.config.ConfigurationManager;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.scheduler.WarmupController;
import dev.warmup.server.trace.HistoryComparison;
import dev.warmup.server.trace.TraceExporter;
import dev.warmup.server.usage.UsagePatternAnalyzer;
import jakarta.inject.Inject;
import java.util.List;

/** Executes the {@code warmup.*} commands of {@code workspace/executeCommand}; results are JSON. */
public final class CommandDispatcher {
    private static final Gson GSON = new Gson();

    private final ConfigurationManager config;
    private final MetricsReport metrics;
    private final UsagePatternAnalyzer analyzer;
    private final WarmupController controller;
    private final TraceExporter exporter;
    private final HistoryComparison comparison;

    @Inject
    public CommandDispatcher(ConfigurationManager config, MetricsReport metrics, UsagePatternAnalyzer analyzer,
                             WarmupController controller, TraceExporter exporter, HistoryComparison comparison) {
        this.comparison = comparison;
        this.config = config;
        this.metrics = metrics;
        this.analyzer = analyzer;
        this.controller = controller;
        this.exporter = exporter;
    }

    public Object execute(String command, List<Object> arguments) {
        List<Object> args = arguments == null ? List.of() : arguments;
        if (command == null) {
            throw new WarmupException(ErrorCode.WMP_8002, "no command given; known: " + Commands.ALL);
        }
        return switch (command) {
            case Commands.STATUS -> GSON.toJsonTree(controller.status());
            case Commands.METRICS -> metrics.toJson();
            case Commands.CONFIG -> configJson();
            case Commands.USAGE_STATS -> usageStats(args);
            case Commands.EXPORT_TRACE -> exporter.export(exportPath(args));
            case Commands.COMPARE -> comparison.compare();
            case Commands.RETRAIN -> controller.retrain();
            case Commands.EVALUATE -> controller.evaluate();
            case Commands.PAUSE -> pause(true);
            case Commands.RESUME -> pause(false);
            case Commands.FORGET_HISTORY -> forgetHistory(args);
            default -> throw new WarmupException(ErrorCode.WMP_8002,
                    "'" + WarmupException.quote(command) + "' is not a command of this server; known: " + Commands.ALL);
        };
    }

    /**
     * {@code warmup.forgetHistory}, only with its one argument {@code {"confirm": true}}: a command any extension, or
     * a workspace's {@code ${command:...}} variable, can run without one, and deleting the history cannot be undone.
     */
    private Object forgetHistory(List<Object> args) {
        JsonElement a = args.size() == 1 ? GSON.toJsonTree(args.get(0)) : JsonNull.INSTANCE;
        if (!a.isJsonObject() || !new com.google.gson.JsonPrimitive(true).equals(a.getAsJsonObject().get("confirm"))) {
            throw new WarmupException(ErrorCode.WMP_8003, Commands.FORGET_HISTORY + " deletes the recorded history for"
                    + " good, so it takes one argument, {\"confirm\": true}, which a client sends once the user has"
                    + " confirmed; got " + (args.isEmpty() ? "none" : WarmupException.quote(GSON.toJsonTree(args))));
        }
        return controller.forgetHistory();
    }

    /** The file {@code warmup.exportTrace} is asked to write: its one argument, a string, or none (null). */
    private static String exportPath(List<Object> args) {
        JsonElement a = args.isEmpty() ? JsonNull.INSTANCE : GSON.toJsonTree(args.get(0));
        if (a.isJsonNull()) {
            return null;
        }
        if (!a.isJsonPrimitive() || !a.getAsJsonPrimitive().isString()) {
            throw new WarmupException(ErrorCode.WMP_8003, Commands.EXPORT_TRACE + " takes an absolute file path or"
                    + " nothing; got " + WarmupException.quote(a));
        }
        return a.getAsString();
    }

    private JsonElement configJson() {
        JsonObject o = GSON.toJsonTree(config.current()).getAsJsonObject();
        o.addProperty("paused", config.paused());
        return o;
    }

    private JsonElement pause(boolean paused) {
        config.setPaused(paused);
        controller.reconfigured();
        return GSON.toJsonTree(controller.status());
    }

    private JsonElement usageStats(List<Object> args) {
        String model = null;
        String task = null;
        if (!args.isEmpty()) {
            JsonElement a = GSON.toJsonTree(args.get(0));
            if (a.isJsonPrimitive() && a.getAsJsonPrimitive().isString()) {
                model = a.getAsString();
            } else if (a.isJsonObject()) {
                model = string(a.getAsJsonObject(), "model");
                task = string(a.getAsJsonObject(), "task");
            } else if (!a.isJsonNull()) {
                throw new WarmupException(ErrorCode.WMP_8003,
                        Commands.USAGE_STATS + " takes a model id or {model, task}; got " + WarmupException.quote(a));
            }
        }
        return GSON.toJsonTree(analyzer.usageStats(model, task));
    }

    private static String string(JsonObject o, String key) {
        JsonElement v = o.get(key);
        if (v == null || v.isJsonNull()) {
            return null;
        }
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
            throw new WarmupException(ErrorCode.WMP_8003, key + " must be a string; got " + WarmupException.quote(v));
        }
        return v.getAsString();
    }
}
