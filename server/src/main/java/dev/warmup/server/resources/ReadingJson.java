package dev.warmup.server.resources;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Set;

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
        if (!s.memoryLimits().isEmpty()) {
            JsonArray limits = new JsonArray();
            for (SystemProbe.MemoryLimit l : s.memoryLimits()) {
                JsonObject limit = of(l.backends());
                limit.addProperty("limitMb", l.limitMb());
                limit.addProperty("availableMb", l.availableMb());
                limit.addProperty("where", l.where());
                limits.add(limit);
            }
            o.add("memoryLimits", limits);
        }
        if (!s.cpuLimits().isEmpty()) {
            JsonArray quotas = new JsonArray();
            for (SystemProbe.CpuLimit q : s.cpuLimits()) {
                JsonObject quota = of(q.backends());
                quota.addProperty("cores", q.cores());
                quota.addProperty("load", rounded(q.load()));
                quota.addProperty("where", q.where());
                quotas.add(quota);
            }
            o.add("cpuLimits", quotas);
        }
        if (!s.modelServers().isEmpty()) {
            JsonArray servers = new JsonArray();
            for (SystemProbe.ModelServer m : s.modelServers()) {
                JsonObject server = of(m.backends());
                server.addProperty("pid", m.pid());
                server.addProperty("where", m.where());
                servers.add(server);
            }
            o.add("modelServers", servers);
        }
        return o;
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
