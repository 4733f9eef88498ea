import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction, DidChangeConfigurationNotification, ErrorAction, LanguageClient, LanguageClientOptions, ServerOptions,
  TransportKind,
} from 'vscode-languageclient/node';
import { ActivityReporter, taskStarted } from './activity';
import { documentSelector, RESULT_SCHEME } from './documents';
import { messageOf } from './errors';
import { findJava, JavaProbe, parseJavaVersion } from './javaFinder';
import { LoadBridge, LoadHandler, LoadRequest } from './loadBridge';
import { DailyUses, lastDays, localDay, MachineReading, metricsHtml, MetricsPoint } from './metricsHtml';
import { RestartPolicy } from './restartPolicy';
import { ResultDocuments } from './resultDocuments';
import { serialRunner } from './serial';
import { serverCommand } from './serverArgs';
import { initializationOptions, valueInForce, warmupSection } from './settings';
import { ExportResult, exportSummary, ForgetResult, forgetSummary, formatStatus, RetrainResult, retrainSummary,
  WarmupStatus } from './statusFormat';

/** What other extensions get from `vscode.extensions.getExtension('warmup-dev.warmup').exports`. */
export interface WarmupApi {
  reportModelUse(use: { model: string; task: string; latencyMs?: number; coldStart?: boolean }): void;
  readonly onDidChangeWarmState: vscode.Event<WarmupStatus>;
  registerLoadHandler(handler: LoadHandler): vscode.Disposable;
}

const probe: JavaProbe = {
  isFile: p => { try { return fs.statSync(p).isFile(); } catch { return false; } },
  majorVersion: java => new Promise(resolve => {
    cp.execFile(java, ['-version'], { timeout: 10_000 }, (err, stdout, stderr) =>
      resolve(err ? undefined : parseJavaVersion(stderr + stdout)));
  }),
};

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<WarmupApi> {
  const output = vscode.window.createOutputChannel('Warmup');
  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 100);
  status.command = 'warmup.showStatus';
  status.name = 'Warmup';
  const changed = new vscode.EventEmitter<WarmupStatus>();
  const restarts = new RestartPolicy();
  const bridge = new LoadBridge(p => { // a server (re)starting hears what is loaded at its start (announceLoaded)
    client?.sendNotification('warmup/modelState', p).catch(() => undefined);
  },
    () => client?.sendNotification('warmup/loaderReady').catch(() => undefined), // a server (re)starting tries anyway
    Date.now, m => output.appendLine(m));
  const activity = new ActivityReporter(kind => { // while the server (re)starts, activity is simply not sent
    client?.sendNotification('warmup/activity', { kind }).catch(() => undefined);
  });
  let last: WarmupStatus | undefined;
  const show = (s: WarmupStatus | undefined, error?: string) => {
    const v = formatStatus(s, error);
    status.text = v.text;
    status.tooltip = v.tooltip;
    status.backgroundColor = v.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    status.show();
  };
  show(undefined);
  const results = new ResultDocuments();
  context.subscriptions.push(output, status, changed, results,
    vscode.workspace.registerTextDocumentContentProvider(RESULT_SCHEME, results));

  const read = (key: string) => valueInForce(key, vscode.workspace.getConfiguration('warmup').inspect(key));

  const start = async (): Promise<void> => {
    const inspect = vscode.workspace.getConfiguration('warmup').inspect<string>('java.home');
    const fromWorkspace = !!(inspect?.workspaceFolderValue || inspect?.workspaceValue);
    const value = (inspect?.workspaceFolderValue || inspect?.workspaceValue || inspect?.globalValue) || undefined;
    const java = await findJava({ value, fromWorkspace, trusted: vscode.workspace.isTrusted,
      approved: !!value && context.globalState.get<boolean>(`approvedJavaHome:${value}`) === true },
      process.env, probe);
    if (!java.ok) {
      show(undefined, java.message);
      const allow = java.needsApproval && vscode.workspace.isTrusted ? ['Allow'] : [];
      // not awaited: a message left open must not hold up a restart (a Java path set meanwhile starts the server)
      void vscode.window.showErrorMessage(java.message, ...allow, 'Open Settings').then(async pick => {
        if (pick === 'Allow' && java.needsApproval) {
          await context.globalState.update(`approvedJavaHome:${java.needsApproval}`, true);
          await restart();
        } else if (pick === 'Open Settings') {
          await vscode.commands.executeCommand('workbench.action.openSettings', 'warmup.java.home');
        }
      }).then(undefined, e => show(undefined, String(e)));
      return;
    }
    output.appendLine(`Using ${java.java} (Java ${java.version}, from ${java.source})`);
    const jar = context.asAbsolutePath(path.join('server', 'warmup-server.jar'));
    const logFile = path.join(context.logUri.fsPath, 'warmup-server.log');
    fs.mkdirSync(context.logUri.fsPath, { recursive: true });
    const cacheDir = context.globalStorageUri.fsPath;
    let cacheReady = true; // the JVM does not make the archive's folder, and exits with 1 when it cannot write
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
    } catch {
      cacheReady = false; // no archive: a slower start, nothing worse
    }
    const cmd = serverCommand(java.java, jar, logFile,
      cacheReady ? { javaVersion: java.version, cacheDir } : undefined,
      vscode.workspace.getConfiguration('warmup').get<string>('server.logLevel'));
    const serverOptions: ServerOptions = { command: cmd.command, args: cmd.args, transport: TransportKind.stdio };
    const clientOptions: LanguageClientOptions = {
      documentSelector,
      initializationOptions: initializationOptions(read),
      outputChannel: output,
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => restarts.crashed() ? { action: CloseAction.Restart } : {
          action: CloseAction.DoNotRestart,
          message: 'The Warmup server stopped 4 times in 3 minutes and is not restarted again. '
            + 'Run "Warmup: Restart Server" to try once more.',
        },
      },
    };
    client = new LanguageClient('warmup', 'Warmup', serverOptions, clientOptions);
    client.onNotification('warmup/statusChanged', (s: WarmupStatus) => { last = s; show(s); changed.fire(s); });
    client.onNotification('warmup/load', (p: LoadRequest) => { void bridge.load(p); });
    client.onNotification('warmup/unload', (p: { model: string; reason?: string }) => {
      void bridge.unload(p.model, p.reason);
    });
    await client.start();
    bridge.announceLoaded(); // what the load handler holds from the server before this one
    last = await client.sendRequest<WarmupStatus>('warmup/status');
    show(last);
    activity.focus(vscode.window.state.focused, true);
    await vscode.commands.executeCommand('setContext', 'warmup.ready', true);
  };

  const stop = async () => {
    await vscode.commands.executeCommand('setContext', 'warmup.ready', false);
    const c = client;
    client = undefined;
    await c?.stop();
  };

  // starts and restarts one after the other: a restart asked for while the server is still starting (settings changed
  // twice in a row) waits for that start, for a client cannot be stopped while it starts; but not more than 30 s, so
  // that a start that hangs does not take "Restart Server" away
  const serially = serialRunner(30_000);

  /** Stops the server and starts it again; meanwhile the status bar says it is starting, not what the old one had. */
  const restart = () => serially(async () => {
    await stop();
    show(undefined);
    await start();
  });

  const command = (name: string, args: unknown[] = []) =>
    client?.sendRequest('workspace/executeCommand', { command: name, arguments: args });

  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(e => {
      // read only at start: started again with them (with a Java path just set, even if none could start before)
      if (e.affectsConfiguration('warmup.java.home') || e.affectsConfiguration('warmup.server.logLevel') && client) {
        void restart().catch(e => show(undefined, String(e)));
      } else if (e.affectsConfiguration('warmup') && client) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { warmup: warmupSection(read) } });
      }
    }),
    vscode.window.onDidChangeWindowState(w => activity.focus(w.focused)),
    vscode.debug.onDidStartDebugSession(() => activity.report('debugStarted')),
    vscode.debug.onDidTerminateDebugSession(() => activity.report('debugStopped')),
    vscode.tasks.onDidStartTask(e => activity.report(taskStarted(e.execution.task.group?.id))),
    vscode.window.onDidChangeActiveTextEditor(e => { if (e) { activity.report('editorChanged'); } }),
    vscode.window.onDidChangeTextEditorSelection(() => activity.reading('caretMoved')),
    vscode.window.onDidChangeTextEditorVisibleRanges(() => activity.reading('scrolled')),
    vscode.commands.registerCommand('warmup.showStatus', async () => {
      await results.show('Warmup Status.json', await command('warmup.status'));
    }),
    vscode.commands.registerCommand('warmup.showMetrics', () => showMetrics(command)),
    vscode.commands.registerCommand('warmup.pauseWarming', () => command('warmup.pause')),
    vscode.commands.registerCommand('warmup.resumeWarming', () => command('warmup.resume')),
    vscode.commands.registerCommand('warmup.retrainNow', async () => {
      try {
        const r = await command('warmup.retrain') as RetrainResult | undefined;
        if (r === undefined) {
          notRunning('trained');
          return;
        }
        tell(retrainSummary(r));
      } catch (e) { // WMP-1003: no samples yet
        void vscode.window.showErrorMessage(`Warmup: ${messageOf(e)}`);
      }
    }),
    vscode.commands.registerCommand('warmup.forgetUsageHistory', async () => {
      const forget = 'Forget';
      const answer = await vscode.window.showWarningMessage('Forget everything Warmup recorded about how you use the '
        + 'editor (in every window), and the model it learnt from it? Recording goes on, and prediction starts again '
        + 'from nothing. This cannot be undone.', { modal: true }, forget);
      if (answer !== forget) {
        return;
      }
      try {
        const r = await command('warmup.forgetHistory', [{ confirm: true }]) as ForgetResult | undefined;
        if (r === undefined) { // no server running (it stopped after the palette offered the command)
          notRunning('forgotten');
          return;
        }
        void vscode.window.showInformationMessage(forgetSummary(r));
      } catch (e) { // WMP-2005: the model file could not be deleted; the message names it
        void vscode.window.showErrorMessage(`Warmup: ${messageOf(e)}`);
      }
    }),
    vscode.commands.registerCommand('warmup.exportUsageTrace', async () => {
      const uri = await vscode.window.showSaveDialog({
        filters: { 'JSON lines': ['jsonl'], 'JSON lines, gzip-compressed': ['gz'] },
      });
      if (uri) {
        try {
          const r = await command('warmup.exportTrace', [uri.fsPath]) as ExportResult | undefined;
          if (r === undefined) {
            notRunning('exported');
            return;
          }
          tell(exportSummary(r, uri.fsPath));
        } catch (e) { // WMP-7003: the file could not be written (it exists, no room); the message says why
          void vscode.window.showErrorMessage(`Warmup: ${messageOf(e)}`);
        }
      }
    }),
    vscode.commands.registerCommand('warmup.compareWithKeepAlive', async () => {
      try {
        const r = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Warmup: replaying your recorded history…' },
          async () => command('warmup.compare')) as { summary?: string } | undefined;
        const details = await vscode.window.showInformationMessage(r?.summary ?? 'Warmup: no comparison', 'Details');
        if (details) {
          await results.show('Warmup Comparison.json', r);
        }
      } catch (e) { // no requests recorded yet (WMP-1004) is the usual case: the server's message says what to do
        void vscode.window.showWarningMessage(`Warmup: ${messageOf(e)}`);
      }
    }),
    vscode.commands.registerCommand('warmup.openLogs', () => output.show()),
    vscode.commands.registerCommand('warmup.restart', restart),
    { dispose: () => { void stop(); } },
  );

  void serially(start).catch(e => show(undefined, String(e)));

  return {
    reportModelUse: use => client?.sendNotification('warmup/modelUsed', use),
    onDidChangeWarmState: changed.event,
    registerLoadHandler: handler => bridge.register(handler),
  };
}

/** Shows a command's summary, as a warning when it says so. */
function tell(summary: { text: string; warning: boolean }): void {
  void (summary.warning ? vscode.window.showWarningMessage(summary.text)
    : vscode.window.showInformationMessage(summary.text));
}

/** Says that a command found no server running, so nothing was `done`. */
function notRunning(done: string): void {
  void vscode.window.showErrorMessage(`Warmup: the server is not running; nothing was ${done}.`);
}

function showMetrics(command: (name: string) => Thenable<unknown> | undefined): void {
  const panel = vscode.window.createWebviewPanel('warmup.metrics', 'Warmup Metrics', vscode.ViewColumn.Active, {});
  const points: MetricsPoint[] = [];
  let days: DailyUses[] | undefined;
  let daysComplete = true;
  let daysAt = 0;
  const poll = async () => {
    // a minute apart (the day's count, a new day, a forgotten history), on the monotonic clock: on the wall clock set
    // back an hour, the count stood for the hour
    if (!days || performance.now() - daysAt >= 60_000) {
      const usage = (await Promise.resolve(command('warmup.usageStats')).catch(() => undefined)) as
        { daily?: DailyUses[]; complete?: boolean } | undefined; // without it (a store unreadable now), the rest
      days = usage?.daily ? lastDays(usage.daily, localDay(new Date())) : undefined;
      daysComplete = usage?.complete !== false;
      daysAt = performance.now();
    }
    const m = (await command('warmup.metrics')) as
      { hits?: number; misses?: number; warmGbHours?: number; process?: { residentMb?: number };
        machine?: MachineReading } | undefined;
    const s = (await command('warmup.status')) as WarmupStatus | undefined;
    if (m) {
      points.push({ t: Date.now(), hits: m.hits ?? 0, misses: m.misses ?? 0, warmGbHours: m.warmGbHours ?? 0,
        warmMb: s?.memoryUsedMb ?? 0, serverMb: m.process?.residentMb });
      panel.webview.html = metricsHtml(points, panel.webview.cspSource, days, daysComplete, m.machine);
    }
  };
  const sample = () => { void poll().catch(() => undefined); }; // a server restarting misses one sample, no more
  sample();
  const timer = setInterval(sample, 10_000);
  panel.onDidDispose(() => clearInterval(timer));
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
