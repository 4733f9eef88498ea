package dev.warmup.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.warmup.server.errors.WarmupException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsParserTest {
    private static WarmupSettings parse(String json) {
        return SettingsParser.parse(JsonParser.parseString(json));
    }

    @Test
    void defaultsMatchTheDocumentedOnes() {
        WarmupSettings s = parse("{}");
        assertEquals(5, s.maxWarmModels());
        assertEquals(2048, s.maxMemoryMb());
        assertEquals(30.0, s.maxCpuPercent());
        assertEquals(0.7, s.predictionThreshold());
        assertEquals(3600, s.usageWindowSeconds());
        assertEquals(100, s.maxQueueSize());
        assertEquals(30, s.warmupTimeoutSeconds());
        assertEquals(0.1, s.performanceImpactThreshold());
        assertEquals(0.1, s.learningRate());
        assertTrue(s.backgroundWarmupEnabled());
        assertEquals(300, s.predictionCacheTtlSeconds());
        assertEquals(30, s.historyDays());
    }

    @Test
    void acceptsTheSectionWrappedOrNot() {
        assertEquals(3, parse("{\"warmup\": {\"maxWarmModels\": 3}}").maxWarmModels());
        assertEquals(3, parse("{\"settings\": {\"warmup\": {\"maxWarmModels\": 3}}}").maxWarmModels());
        assertEquals(3, parse("{\"maxWarmModels\": 3}").maxWarmModels());
    }

    @Test
    void aSectionThatIsNotAnObjectIsNamedAsTheSection() {
        for (String bad : new String[] {"{\"warmup\": \"fast\"}", "{\"settings\": {\"warmup\": 3}}", "[1]"}) {
            WarmupException e = assertThrows(WarmupException.class, () -> parse(bad));
            assertTrue(e.getMessage().startsWith("WMP-8001") && e.getMessage().contains(": warmup = ")
                    && e.getMessage().endsWith("is not allowed; expected an object of settings"), e.getMessage());
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"maxWarmModels\": 0}|maxWarmModels",
            "{\"maxWarmModels\": 2.5}|maxWarmModels",
            "{\"maxMemoryMb\": \"lots\"}|maxMemoryMb",
            "{\"maxCpuPercent\": 150}|maxCpuPercent",
            "{\"predictionThreshold\": -0.1}|predictionThreshold",
            "{\"usageWindowSeconds\": 1}|usageWindowSeconds",
            "{\"maxQueueSize\": 0}|maxQueueSize",
            "{\"warmupTimeoutSeconds\": 0}|warmupTimeoutSeconds",
            "{\"performanceImpactThreshold\": 2}|performanceImpactThreshold",
            "{\"learningRate\": 0}|learningRate",
            "{\"backgroundWarmupEnabled\": \"yes\"}|backgroundWarmupEnabled",
            "{\"predictionCacheTtlSeconds\": -1}|predictionCacheTtlSeconds",
            "{\"historyDays\": 0}|historyDays",
            "{\"models\": [{\"tasks\": [\"chat\"]}]}|models[0].id",
            "{\"models\": [{\"id\": \"a\", \"tasks\": []}]}|models[0].tasks",
            "{\"models\": [{\"id\": \"a\", \"tasks\": [\"chat\"], \"backend\": \"nowhere\"}]}|models[0].backend",
            "{\"models\": [{\"id\": \"a\", \"tasks\": [\"chat\"]}, {\"id\": \"a\", \"tasks\": [\"chat\"]}]}|models[1].id",
            "{\"backends\": {\"x\": {\"type\": \"magic\", \"url\": \"http://127.0.0.1:1\"}}}|backends.x.type",
            "{\"backends\": {\"x\": {\"type\": \"ollama\"}}}|backends.x.url",
            "{\"models\": [{\"id\": \"a\", \"tasks\": [\"chat\"], \"memoryMb\": -1}]}|models[0].memoryMb",
            "{\"models\": [{\"id\": \"a23456789a123456789a123456789a123456789a123456789a123456789a123456789"
                    + "a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789a123456789"
                    + "a123456789a123456789a123456789a123456789a123456789a123456789x\", \"tasks\": [\"chat\"]}]}"
                    + "|models[0].id",
            "{\"models\": [{\"id\": \"a\", \"tasks\": [\"chat\"], \"loadSeconds\": \"slow\"}]}|models[0].loadSeconds",
            "{\"backends\": {\"x\": {\"type\": \"client\", \"timeoutSeconds\": 0}}}|backends.x.timeoutSeconds",
            "{\"backends\": {\"x\": {\"type\": \"client\", \"allowRemote\": 1}}}|backends.x.allowRemote",
    })
    void aBadValueIsRejectedNamingTheKey(String json, String key) {
        WarmupException e = assertThrows(WarmupException.class, () -> parse(json));
        assertTrue(e.getMessage().startsWith("WMP-8001"), e.getMessage());
        assertTrue(e.getMessage().contains("warmup." + key), e.getMessage());
        assertTrue(e.getMessage().contains("expected"), e.getMessage());
    }

    @Test
    void backendsMustBeLoopbackUnlessAllowed() {
        WarmupException e = assertThrows(WarmupException.class, () ->
                parse("{\"backends\": {\"gpu\": {\"type\": \"ollama\", \"url\": \"http://10.1.2.3:11434\"}}}"));
        assertTrue(e.getMessage().startsWith("WMP-8006"), e.getMessage());
        var s = parse("{\"backends\": {\"gpu\": {\"type\": \"ollama\", \"url\": \"http://10.1.2.3:11434\","
                + " \"allowRemote\": true}}}");
        assertTrue(s.backends().get("gpu").allowRemote());
        assertEquals("ollama", parse("{\"backends\": {\"l\": {\"type\": \"ollama\", \"url\": \"http://[::1]:11434\"}}}")
                .backends().get("l").type());
    }

    @Test
    void loopbackRecognisesOnlyLoopback() {
        assertTrue(Loopback.isLoopbackHost("localhost"));
        assertTrue(Loopback.isLoopbackHost("127.0.0.1"));
        assertTrue(Loopback.isLoopbackHost("127.10.0.5"));
        assertTrue(Loopback.isLoopbackHost("[::1]"));
        assertFalse(Loopback.isLoopbackHost("127.0.0.1.evil.com"));
        assertFalse(Loopback.isLoopbackHost("192.168.1.2"));
        assertFalse(Loopback.isLoopbackHost("localhost.evil.com"));
        assertFalse(Loopback.isLoopbackHost("ollama.localhost"), "resolved by whatever DNS the network offers");
    }

    @Test
    void oneModelNamedTwiceIsRefusedNamingTheEntry() {
        String ollama = "{\"backends\": {\"o\": {\"type\": \"ollama\", \"url\": \"http://127.0.0.1:11434\"},"
                + " \"v\": {\"type\": \"openai\", \"url\": \"http://127.0.0.1:8000\"}}, \"models\": [";
        WarmupException e = assertThrows(WarmupException.class, () -> parse(ollama
                + "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"backend\": \"o\"},"
                + " {\"id\": \"Coder:latest\", \"tasks\": [\"chat\"], \"backend\": \"o\"}]}"));
        assertTrue(e.getMessage().startsWith("WMP-8001") && e.getMessage().contains("warmup.models[1].id")
                && e.getMessage().contains("coder, which Ollama names so too"), e.getMessage());
        String twoOllamas = "{\"backends\": {\"o\": {\"type\": \"ollama\", \"url\": \"http://127.0.0.1:11434\"},"
                + " \"p\": {\"type\": \"ollama\", \"url\": \"http://127.0.0.1:11435\"}}, \"models\": [";
        WarmupException sameId = assertThrows(WarmupException.class, () -> parse(twoOllamas
                + "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"backend\": \"o\"},"
                + " {\"id\": \"coder\", \"tasks\": [\"chat\"], \"backend\": \"p\"}]}"));
        assertTrue(sameId.getMessage().contains("warmup.models[1].id") && sameId.getMessage().contains("a unique model id"),
                sameId.getMessage()); // ids name catalogue entries, whatever their model servers
        // the same names on other model servers, or on one that tells them apart, are other models
        assertEquals(3, parse(ollama + "{\"id\": \"coder\", \"tasks\": [\"completion\"], \"backend\": \"o\"},"
                + " {\"id\": \"coder:latest\", \"tasks\": [\"chat\"], \"backend\": \"v\"},"
                + " {\"id\": \"Coder\", \"tasks\": [\"chat\"], \"backend\": \"v\"}]}").models().size());
    }

    @Test
    void ollamasKeepAliveIsADurationItCanRead() {
        for (String ok : new String[] {"30m", "1h", "90s", "1h30m", "1.5h", "500ms", ".5h"}) {
            assertTrue(GoDuration.positive(ok), ok);
        }
        for (String bad : new String[] {"", "30", "0", "0s", "0m0s", "-5m", "30 minutes", "5x", "m", "1h 30m"}) {
            assertFalse(GoDuration.positive(bad), bad);
        }
        assertEquals(Duration.ofMinutes(90), GoDuration.parse("1h30m").orElseThrow());
        assertEquals(Duration.ofMillis(2_500), GoDuration.parse("2.5s").orElseThrow());
        WarmupException e = assertThrows(WarmupException.class, () -> parse("{\"backends\": {\"o\": {\"type\":"
                + " \"ollama\", \"url\": \"http://127.0.0.1:11434\", \"keepAlive\": \"30 minutes\"}}}"));
        assertTrue(e.getMessage().startsWith("WMP-8001") && e.getMessage().contains("warmup.backends.o.keepAlive"),
                e.getMessage());
    }

    @Test
    void customTasksAreAllowed() {
        var s = parse("{\"models\": [{\"id\": \"t\", \"tasks\": [\"custom:docstrings\"], \"memoryMb\": 900}]}");
        assertEquals("custom:docstrings", s.models().get(0).tasks().get(0));
    }
}
