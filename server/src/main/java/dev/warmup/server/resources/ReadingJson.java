package dev.warmup.server.resources;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A reading as {@code warmup.metrics}' {@code machine} gives it: the machine's memory total and available (MB), its CPU
 * load when known, the model servers' memory limits that leave less than the machine has, and their CPU quotas that
 * read busier, each with the backends served from within its group and whose it is in words, and the model servers
 * found, each with its backends, its process and how it was found.
 */
final class ReadingJson {
    private ReadingJson() {
    }

    static JsonObject of(SystemProbe.Snapshot s) {
        JsonObject o = new JsonObject();
        o.addProperty("memoryTotalMb", s.totalMb());
        o.addProperty("memoryAvailableMb", s.availableMb());
        if (s.cpuLoad() >= 0) {
            o.addProperty("cpuLoad", rounded(s.cpuLoad()));
        }
        list(o, "memoryLimits", s.memoryLimits(), l -> {
            JsonObject limit = of(l.backends());
            limit.addProperty("limitMb", l.limitMb());
            limit.addProperty("availableMb", l.availableMb());
            limit.addProperty("where", l.where());
            return limit;
        });
        list(o, "cpuLimits", s.cpuLimits(), q -> {
            JsonObject quota = of(q.backends());
            quota.addProperty("cores", q.cores());
            quota.addProperty("load", rounded(q.load()));
            quota.addProperty("where", q.where());
            return quota;
        });
        list(o, "modelServers", s.modelServers(), m -> {
            JsonObject server = of(m.backends());
            server.addProperty("pid", m.pid());
            server.addProperty("where", m.where());
            return server;
        });
        return o;
    }

    /** Adds {@code items}, each as {@code each} writes it, to {@code into} as array {@code name}; none: left out. */
    private static <T> void list(JsonObject into, String name, List<T> items, Function<T, JsonObject> each) {
        if (!items.isEmpty()) {
            JsonArray array = new JsonArray();
            items.forEach(item -> array.add(each.apply(item)));
            into.add(name, array);
        }
    }

    /** An object naming {@code backends}, in order. */
    private static JsonObject of(Set<String> backends) {
        JsonObject o = new JsonObject();
        JsonArray names = new JsonArray();
        backends.stream().sorted().forEach(names::add);
        o.add("backends", names);
        return o;
    }

    private static double rounded(double load) {
        return Math.round(load * 1000) / 1000.0;
    }
}
