package dev.warmup.server.replay;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.warmup.protocol.ModelSpec;
import dev.warmup.server.config.SettingsParser;
import dev.warmup.server.errors.WarmupException;
import dev.warmup.server.trace.JsonSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The models a replay simulates, one per task (EVALUATION.md §2). Memory is in MB with 1 GB = 1000 MB, so that the
 * evaluation's 1.5 GB, 5.5 GB and 12 GB budget add up exactly; load times are in milliseconds.
 */
public final class Catalog {
    private final List<String> tasks;
    private final List<String> models;
    private final long[] memoryMb;
    private final long[] loadMillis;
    private final Map<String, Integer> modelOfTask = new HashMap<>();

    private Catalog(List<ModelSpec> specs) {
        tasks = new ArrayList<>();
        models = new ArrayList<>();
        memoryMb = new long[specs.size()];
        loadMillis = new long[specs.size()];
        for (int i = 0; i < specs.size(); i++) {
            ModelSpec m = specs.get(i);
            if (m.id() == null || m.tasks() == null || m.tasks().isEmpty() || m.memoryMb() == null
                    || m.memoryMb() <= 0 || m.loadSeconds() == null || m.loadSeconds() < 0) {
                throw new IllegalArgumentException(
                        "catalogue entry " + i + " needs id, tasks, memoryMb > 0 and loadSeconds >= 0: " + m);
            }
            models.add(m.id());
            memoryMb[i] = m.memoryMb();
            loadMillis[i] = Math.round(m.loadSeconds() * 1000);
            for (String task : m.tasks()) {
                if (modelOfTask.putIfAbsent(task, i) != null) {
                    throw new IllegalArgumentException("task " + task + " is served by two models");
                }
                tasks.add(task);
            }
        }
    }

    /** The evaluation catalogue of EVALUATION.md §2. */
    public static Catalog evaluationDefault() {
        return of(List.of(
                new ModelSpec("completion", List.of("completion"), 1500, 3.0, null, null),
                new ModelSpec("analysis", List.of("analysis"), 5000, 8.0, null, null),
                new ModelSpec("chat", List.of("chat"), 5500, 10.0, null, null),
                new ModelSpec("refactoring", List.of("refactoring"), 10000, 20.0, null, null)));
    }

    public static Catalog of(List<ModelSpec> specs) {
        return new Catalog(specs);
    }

    /** The largest catalogue file read: a thousand models, as many as the server takes, fit in a tenth of it. */
    static final long MAX_FILE_BYTES = 1 << 20;

    /**
     * Reads a JSON array of models shaped like the {@code warmup.models} setting ({@code memoryMb}: 1 GB = 1000),
     * checked as that setting is (a {@code backend} is ignored: a replay loads nothing); IllegalArgumentException
     * naming the file and the entry for one that is not.
     */
    public static Catalog read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IllegalArgumentException(file + ": " + size + " bytes; a catalogue is a JSON array of models, not"
                    + " over " + MAX_FILE_BYTES + " bytes");
        }
        JsonElement root;
        try {
            root = JsonParser.parseString(Files.readString(file));
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": not JSON" + JsonSyntax.where(e));
        }
        if (!root.isJsonArray() || root.getAsJsonArray().isEmpty()) {
            throw new IllegalArgumentException(file + ": expected a non-empty JSON array of models like warmup.models");
        }
        List<ModelSpec> specs = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (JsonElement e : root.getAsJsonArray()) {
            String path = "[" + specs.size() + "]";
            if (!e.isJsonObject()) {
                throw new IllegalArgumentException(file + ": " + path + " = " + WarmupException.quote(e)
                        + " is not a model object");
            }
            JsonObject entry = e.getAsJsonObject().deepCopy();
            entry.remove("backend");
            ModelSpec spec;
            try {
                spec = SettingsParser.model(entry, path, Map.of());
            } catch (WarmupException invalid) {
                throw new IllegalArgumentException(file + ": " + invalid.detail().replaceFirst("^warmup\\.", ""));
            }
            if (!ids.add(spec.id())) {
                throw new IllegalArgumentException(file + ": " + path + ".id: model " + spec.id() + " comes twice");
            }
            specs.add(spec);
        }
        try {
            return of(specs);
        } catch (IllegalArgumentException twoForOneTask) {
            throw new IllegalArgumentException(file + ": " + twoForOneTask.getMessage());
        }
    }

    public int size() { return models.size(); }
    public String model(int m) { return models.get(m); }
    public long memoryMb(int m) { return memoryMb[m]; }
    public long loadMillis(int m) { return loadMillis[m]; }
    /** Every task some model serves, in catalogue order. */
    public List<String> tasks() { return List.copyOf(tasks); }

    /** The model serving {@code task}, or -1. */
    public int modelOf(String task) {
        Integer m = modelOfTask.get(task);
        return m == null ? -1 : m;
    }
}
