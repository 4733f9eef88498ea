package dev.warmup.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warmup.server.errors.ErrorCode;
import dev.warmup.server.errors.WarmupException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The README's configuration table gives each numeric and boolean key the server's own default and range. */
class ConfigurationDocumentationTest {
    private static final Pattern ROW = Pattern.compile("^\\| `(\\w+)` \\| ([^|]+) \\| ([^|]+) \\|", Pattern.MULTILINE);

    @Test
    void everyKeyOfTheTableHasTheServersDefaultAndRange() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        JsonObject defaults = new Gson().toJsonTree(WarmupSettings.defaults()).getAsJsonObject();
        int checked = 0;
        Matcher row = ROW.matcher(readme);
        while (row.find()) {
            String key = row.group(1);
            String def = row.group(2).strip();
            String allowed = row.group(3).strip();
            if (key.equals("models") || key.equals("backends") || !defaults.has(key)) {
                continue;
            }
            checked++;
            assertEquals(defaults.get(key).getAsString(), def, key + "'s default");
            if (allowed.equals("boolean")) {
                refused(key, "1");
                continue;
            }
            String[] ends = allowed.split("–");
            BigDecimal min = new BigDecimal(ends[0]);
            BigDecimal max = new BigDecimal(ends[1]);
            BigDecimal step = defaults.get(key).getAsString().contains(".") ? new BigDecimal("0.0001") : BigDecimal.ONE;
            SettingsParser.parse(JsonParser.parseString("{\"" + key + "\": " + min + "}"));
            SettingsParser.parse(JsonParser.parseString("{\"" + key + "\": " + max + "}"));
            refused(key, min.subtract(step).toPlainString());
            refused(key, max.add(step).toPlainString());
        }
        assertEquals(defaults.size() - 2, checked, "every key but models and backends has its row");
    }

    private static void refused(String key, String value) {
        WarmupException e = assertThrows(WarmupException.class,
                () -> SettingsParser.parse(JsonParser.parseString("{\"" + key + "\": " + value + "}")), key + value);
        assertEquals(ErrorCode.WMP_8001, e.code());
    }
}
