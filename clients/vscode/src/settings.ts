/** The server's settings keys (section `warmup`), as the server validates them. */
export const SERVER_KEYS = [
  'maxWarmModels', 'maxMemoryMb', 'maxCpuPercent', 'predictionThreshold', 'usageWindowSeconds', 'maxQueueSize',
  'warmupTimeoutSeconds', 'performanceImpactThreshold', 'learningRate', 'backgroundWarmupEnabled',
  'predictionCacheTtlSeconds', 'historyDays', 'maxConcurrentLoads', 'models', 'backends',
] as const;

/** Reads a `warmup.*` value; undefined when the user did not set it (the server then uses its default). */
export type SettingReader = (key: string) => unknown;

/**
 * Keys taken from the user's settings only, never from a workspace's: `backends` says where requests go, whether a
 * remote address is allowed and which environment variable holds an API key, so a cloned repository's
 * `.vscode/settings.json` must not be able to send a key, or our usage, to a server of its choosing.
 */
export const USER_ONLY_KEYS: ReadonlySet<string> = new Set(['backends']);

/** The values of one key in each settings scope, as `WorkspaceConfiguration.inspect` gives them. */
export interface ScopedValues { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown }

/** The value in force for `key`: the most specific scope, except that user-only keys come from the user's settings. */
export function valueInForce(key: string, v: ScopedValues | undefined): unknown {
  if (USER_ONLY_KEYS.has(key)) {
    return v?.globalValue;
  }
  return v?.workspaceFolderValue ?? v?.workspaceValue ?? v?.globalValue;
}

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
