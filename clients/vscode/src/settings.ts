/** The server's settings keys (section `warmup`), as the server validates them. */
export const SERVER_KEYS = [
  'maxWarmModels', 'maxMemoryMb', 'maxCpuPercent', 'predictionThreshold', 'usageWindowSeconds', 'maxQueueSize',
  'warmupTimeoutSeconds', 'performanceImpactThreshold', 'learningRate', 'backgroundWarmupEnabled',
  'predictionCacheTtlSeconds', 'historyDays', 'maxConcurrentLoads', 'models', 'backends',
] as const;

/** Reads a `warmup.*` value; undefined when the user did not set it (the server then uses its default). */
export type SettingReader = (key: string) => unknown;

/** The `warmup` section the server receives, leaving out client-only keys and unset values. */
export function warmupSection(read: SettingReader): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SERVER_KEYS) {
    const v = read(key);
    if (v !== undefined && v !== null) {
      out[key] = v;
    }
  }
  return out;
}

/** `initializationOptions` for the server: `{settings: {warmup: {...}}}`, the same shape every client sends. */
export function initializationOptions(read: SettingReader): { settings: { warmup: Record<string, unknown> } } {
  return { settings: { warmup: warmupSection(read) } };
}
