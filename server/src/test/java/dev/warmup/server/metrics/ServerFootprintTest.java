package dev.warmup.server.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import org.junit.jupiter.api.Test;

class ServerFootprintTest {
    @Test
    void readsThisProcess() {
        ServerFootprint footprint = new ServerFootprint();
        JsonObject o = footprint.toJson();
        assertTrue(o.get("residentMb").getAsLong() > 0, o.toString());
        assertTrue(o.get("cpuSeconds").getAsDouble() > 0, o.toString()); // this JVM has run code to get here
        assertTrue(o.get("heapUsedMb").getAsLong() <= o.get("heapMaxMb").getAsLong(), o.toString());
        assertTrue(o.get("threads").getAsInt() > 0, o.toString());
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"))) { // Linux
            assertTrue(o.get("peakResidentMb").getAsLong() >= o.get("residentMb").getAsLong(), "read after it, the"
                    + " peak is at least what was resident then: " + o);
        }
        double before = o.get("cpuSeconds").getAsDouble();
        assertTrue(footprint.toJson().get("cpuSeconds").getAsDouble() >= before, "CPU time only grows");
    }
}
