/** How the extension starts the server jar it carries: small heap, exit on out-of-memory, stdio. */
export function serverCommand(java: string, jar: string, logFile?: string): { command: string; args: string[] } {
  const args = ['-Xmx256m', '-XX:+ExitOnOutOfMemoryError', '-XX:+UseSerialGC', '-jar', jar];
  if (logFile) {
    args.push('--log-file', logFile);
  }
  return { command: java, args };
}
