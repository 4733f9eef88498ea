package dev.warmup.intellij.core;

/**
 * One scalar {@code warmup.*} setting as the server validates it.
 *
 * @param key          the key in section {@code warmup}
 * @param type         {@code int}, {@code double} or {@code boolean}
 * @param defaultValue the server's default
 * @param min          smallest allowed value (numbers)
 * @param max          largest allowed value (numbers)
 * @param description  what it does, for the settings page
 */
public record SettingSpec(String key, String type, Object defaultValue, double min, double max, String description) {
    static SettingSpec integer(String key, int def, int min, int max, String description) {
        return new SettingSpec(key, "int", def, min, max, description);
    }

    static SettingSpec decimal(String key, double def, double min, double max, String description) {
        return new SettingSpec(key, "double", def, min, max, description);
    }

    static SettingSpec flag(String key, boolean def, String description) {
        return new SettingSpec(key, "boolean", def, 0, 0, description);
    }
}
