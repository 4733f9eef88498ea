import * as path from 'path';

/** Where a Java executable can be looked for; injected so tests need no real JDK layout. */
export interface JavaProbe {
  isFile(p: string): boolean;
  /** The major version `java -version` reports, or undefined when it cannot be run. */
  majorVersion(javaExe: string): Promise<number | undefined>;
}

/** The `warmup.java.home` setting as VS Code reports it. */
export interface JavaHomeSetting {
  value: string | undefined;
  /** Set in the workspace or folder settings (not by the user). */
  fromWorkspace: boolean;
  /** The user approved this workspace value before. */
  approved: boolean;
  /** The workspace is trusted. */
  trusted: boolean;
}

export type JavaResult =
  | { ok: true; java: string; source: 'warmup.java.home' | 'JAVA_HOME' | 'PATH'; version: number }
  | { ok: false; message: string; needsApproval?: string };

export const MIN_JAVA = 17;

/** Parses the major version from `java -version` output (`"17.0.9"`, `"1.8.0_392"`, `"21"`). */
export function parseJavaVersion(output: string): number | undefined {
  const m = /version "([^"]+)"/.exec(output);
  if (!m) {
    return undefined;
  }
  const parts = m[1].split(/[.+_-]/);
  const first = Number(parts[0]);
  if (Number.isNaN(first)) {
    return undefined;
  }
  return first === 1 ? Number(parts[1]) : first;
}

function exe(home: string, platform: string): string {
  return path.join(home, 'bin', platform === 'win32' ? 'java.exe' : 'java');
}

/**
 * Finds Java 17+: the `warmup.java.home` setting, then JAVA_HOME, then PATH. A home set by the workspace is used
 * only when the workspace is trusted and the user approved it; otherwise the caller asks (`needsApproval`).
 */
export async function findJava(setting: JavaHomeSetting, env: NodeJS.ProcessEnv, probe: JavaProbe,
                               platform: string = process.platform): Promise<JavaResult> {
  const candidates: { java: string; source: 'warmup.java.home' | 'JAVA_HOME' | 'PATH' }[] = [];
  if (setting.value) {
    if (setting.fromWorkspace && (!setting.trusted || !setting.approved)) {
      return { ok: false, needsApproval: setting.value,
        message: `This workspace sets warmup.java.home to ${setting.value}. Warmup runs it only after you allow it`
          + (setting.trusted ? '.' : ', and only in a trusted workspace.') };
    }
    candidates.push({ java: exe(setting.value, platform), source: 'warmup.java.home' });
  }
  if (env.JAVA_HOME) {
    candidates.push({ java: exe(env.JAVA_HOME, platform), source: 'JAVA_HOME' });
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(d => d.length > 0)) {
    candidates.push({ java: path.join(dir, platform === 'win32' ? 'java.exe' : 'java'), source: 'PATH' });
  }
  const tooOld: string[] = [];
  for (const c of candidates) {
    if (!probe.isFile(c.java)) {
      continue;
    }
    const v = await probe.majorVersion(c.java);
    if (v !== undefined && v >= MIN_JAVA) {
      return { ok: true, java: c.java, source: c.source, version: v };
    }
    tooOld.push(`${c.java} (${v === undefined ? 'unknown version' : 'Java ' + v})`);
  }
  return { ok: false, message: `Warmup needs Java ${MIN_JAVA} or newer and found ` + (tooOld.length > 0
    ? `only ${tooOld.join(', ')}` : 'none') + '. Set warmup.java.home, JAVA_HOME or PATH.' };
}
