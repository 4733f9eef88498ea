import * as path from 'path';

/**
 * How the extension starts the server jar it carries: small heap, exit on out-of-memory, stdio, no JVM statistics
 * sampling (`-XX:-UsePerfData`: half of an idle server's CPU time; `jcmd PID` still reaches it, `jps` lists it no
 * more). The JVM's own
 * output (its log lines, and the reason it gives when it exits on out-of-memory) goes to stderr, which the output
 * channel shows, never into the protocol on stdout, where the JVM writes it by default. From Java 19 on, a
 * class-data archive kept in `cacheDir` (written by the JVM when the server exits, rewritten when the jar or the JDK
 * changes) makes start-up about a third faster; `cacheDir` must exist. Class-data logging is off, for writing the
 * archive warns of each of some 200 classes it leaves out. `logLevel` (the `warmup.server.logLevel` setting) is
 * passed on unless it is the server's own default, `info`.
 */
export function serverCommand(java: string, jar: string, logFile?: string,
  cds?: { javaVersion: number; cacheDir: string }, logLevel?: string): { command: string; args: string[] } {
  const args = ['-Xmx256m', '-Xms32m', '-XX:+ExitOnOutOfMemoryError', '-XX:+UseSerialGC', '-XX:-UsePerfData',
    '-XX:+DisplayVMOutputToStderr', '-Xlog:disable', '-Xlog:all=warning,cds*=off:stderr'];
  if (cds && cds.javaVersion >= 19) {
    args.push('-XX:+AutoCreateSharedArchive', '-XX:SharedArchiveFile=' + path.join(cds.cacheDir, 'warmup-server.jsa'));
  }
  args.push('-jar', jar);
  if (logFile) {
    args.push('--log-file', logFile);
  }
  if (logLevel && logLevel !== 'info') {
    args.push('--log-level', logLevel);
  }
  return { command: java, args };
}
