import * as assert from 'node:assert/strict';
import * as cp from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { ACTIVITY_KINDS } from '../src/activity';
import { documentSelector, RESULT_SCHEME } from '../src/documents';
import { parseJavaVersion } from '../src/javaFinder';
import { serverCommand } from '../src/serverArgs';
import { LoadBridge } from '../src/loadBridge';
import { DailyUses, lastDays, localDay } from '../src/metricsHtml';
import { initializationOptions } from '../src/settings';
import { ForgetResult, forgetSummary, formatStatus, WarmupStatus } from '../src/statusFormat';

const jar = path.join(__dirname, '..', '..', '..', '..', 'server', 'target', 'warmup-server.jar');

/** The extension's client-side modules against the real Java server over stdio, through vscode-jsonrpc. */
test('settings, status, metrics and model use against the real server', { timeout: 120_000 }, async () => {
  assert.ok(fs.existsSync(jar), `build the server first: ${jar}`);
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'warmup-vscode-'));
  // launched as the extension launches it; vscode-languageclient appends --stdio for its stdio transport
  const java = process.env.JAVA ?? 'java';
  const javaVersion = parseJavaVersion(cp.spawnSync(java, ['-version'], { encoding: 'utf8' }).stderr) ?? 17;
  const cmd = serverCommand(java, jar, undefined, { javaVersion, cacheDir: data });
  // server and client on a time zone whose date is not UTC's now, to show they count uses by the same local day
  process.env.TZ = new Date().getUTCHours() < 12 ? 'Etc/GMT+12' : 'Etc/GMT-14';
  assert.notEqual(localDay(new Date()), new Date().toISOString().slice(0, 10));
  const server = cp.spawn(cmd.command, [...cmd.args, '--data-dir', data, '--stdio'],
    { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  const conn = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  const statuses: WarmupStatus[] = [];
  let notify: (() => void) | undefined;
  conn.onNotification('warmup/statusChanged', (s: WarmupStatus) => { statuses.push(s); notify?.(); });
  conn.onNotification('window/logMessage', () => undefined);
  conn.onRequest('workspace/configuration', () => [null]);
  conn.listen();
  try {
    const settings: Record<string, unknown> = { maxMemoryMb: 4096,
      models: [{ id: 'coder', tasks: ['completion'], memoryMb: 1500, loadSeconds: 3 }] };
    const init = await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {},
      initializationOptions: initializationOptions(k => settings[k]) }) as { capabilities: Record<string, unknown> };
    assert.ok(init.capabilities.executeCommandProvider);
    // vscode-languageclient registers a VS Code command for each server command: the extension's own commands
    // must not reuse those ids, or starting the client fails with "command ... already exists"
    const serverCommands = (init.capabilities.executeCommandProvider as { commands: string[] }).commands;
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
    const ours: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);
    assert.deepEqual(ours.filter(c => serverCommands.includes(c)), []);
    assert.ok(serverCommands.includes('warmup.status'));
    await conn.sendNotification('initialized', {});

    const status = await conn.sendRequest('warmup/status') as WarmupStatus;
    assert.deepEqual(status.models.map(m => m.id), ['coder']);
    assert.equal(status.memoryBudgetMb, 4096);
    assert.match(formatStatus(status).text, /0 warm/);

    const config = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.config', arguments: [] })) as { maxMemoryMb: number };
    assert.equal(config.maxMemoryMb, 4096);

    const used = new Promise<void>(resolve => { notify = resolve; });
    await conn.sendNotification('warmup/modelUsed', { model: 'coder', task: 'completion', latencyMs: 40,
      coldStart: true });
    await used;
    assert.ok(statuses.length >= 1);
    const metrics = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.metrics', arguments: [] })) as { misses: number; eventsRecorded: Record<string, number> };
    assert.equal(metrics.misses, 1);
    assert.equal(metrics.eventsRecorded.model_used, 1);
    // what the metrics view's chart of uses by day is drawn from
    const usage = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.usageStats', arguments: [] })) as { daily: DailyUses[] };
    const today = localDay(new Date());
    assert.deepEqual(lastDays(usage.daily, today).filter(d => d.uses > 0), [{ day: today, uses: 1 }]);
    // what the extension's "Compare Prediction with Keep-Alive Timers" shows: the replay of this history
    const compared = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.compare', arguments: [] })) as { summary: string; policies: Record<string, unknown> };
    assert.match(compared.summary, /^Over 0\.0 active hours and 1 model requests, prediction would have had 1 cold/);
    assert.deepEqual(Object.keys(compared.policies), ['keepalive-5', 'keepalive-10', 'keepalive-30', 'predictive@0.7']);

    // every kind of document the extension syncs is observed, notebook cells included (metadata only)
    const schemes = documentSelector.map(f => (f as { scheme: string }).scheme);
    assert.ok(schemes.includes('vscode-notebook-cell'));
    assert.ok(!schemes.includes(RESULT_SCHEME),
      'the status and comparisons the extension shows are not the developer\'s editing');
    for (const scheme of schemes) {
      const uri = scheme === 'file' ? 'file:///work/a.py' : scheme === 'untitled' ? 'untitled:Untitled-1'
        : `${scheme}:/work/a.ipynb#W0sZmlsZQ%3D%3D`;
      await conn.sendNotification('textDocument/didOpen',
        { textDocument: { uri, languageId: 'python', version: 1, text: 'x = 1\n' } });
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 },
        contentChanges: [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'y' }] });
    }
    const observed = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.metrics', arguments: [] })) as { eventsRecorded: Record<string, number> };
    assert.equal(observed.eventsRecorded.open, schemes.length);
    assert.equal(observed.eventsRecorded.change, schemes.length);

    // every activity kind the extension reports is accepted and recorded as activity
    for (const kind of ACTIVITY_KINDS) {
      await conn.sendNotification('warmup/activity', { kind });
    }
    const active = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.metrics', arguments: [] })) as { eventsRecorded: Record<string, number> };
    assert.equal(active.eventsRecorded.activity, ACTIVITY_KINDS.length);

    // what "Forget My Usage History" runs: every event recorded so far goes, the chart's counts by day too, and the
    // store file no longer holds the documents' language id (a data directory with nothing else that says "python")
    await assert.rejects(conn.sendRequest('workspace/executeCommand', { command: 'warmup.forgetHistory',
      arguments: [] }), /WMP-8003 .*\{"confirm": true\}/); // what a workspace's ${command:...} would send
    const forgotten = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.forgetHistory', arguments: [{ confirm: true }] })) as ForgetResult;
    assert.ok((forgotten.events ?? 0) > schemes.length * 2, JSON.stringify(forgotten));
    assert.equal(forgotten.compacted, true);
    assert.match(forgetSummary(forgotten), /^Warmup forgot \d+ recorded events and \d+ daily counts, /);
    const after = (await conn.sendRequest('workspace/executeCommand',
      { command: 'warmup.usageStats', arguments: [] })) as { daily: DailyUses[] };
    assert.deepEqual(lastDays(after.daily, today).filter(d => d.uses > 0), []);
    const store = fs.readdirSync(data).filter(f => f.startsWith('usage.db'));
    assert.ok(store.length > 0, fs.readdirSync(data).join(', '));
    for (const f of store) {
      assert.equal(fs.readFileSync(path.join(data, f)).includes('python'), false, f);
    }

    // a bad setting is refused with a message naming the key, and the server keeps answering
    const shown = new Promise<string>(resolve => conn.onNotification('window/showMessage',
      (m: { message: string }) => resolve(m.message)));
    await conn.sendNotification('workspace/didChangeConfiguration', { settings: { warmup: { maxMemoryMb: -1 } } });
    assert.match(await shown, /warmup\.maxMemoryMb/);
    assert.equal((await conn.sendRequest('warmup/status') as WarmupStatus).memoryBudgetMb, 4096);

    await conn.sendRequest('shutdown');
    const exited = new Promise<number | null>(resolve => server.on('exit', code => resolve(code)));
    await conn.sendNotification('exit');
    assert.equal(await exited, 0);
    // from Java 19 on the JVM writes the class-data archive as it exits, for the next start (run with JAVA= a
    // newer JDK to see it; Java 17 has no such archive and gets no such flag)
    assert.equal(fs.existsSync(path.join(data, 'warmup-server.jsa')), javaVersion >= 19);
  } finally {
    conn.dispose();
    server.kill();
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('out of memory, the server exits and says why on stderr, with nothing on the protocol stream', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'warmup-vscode-oom-'));
  const cmd = serverCommand(process.env.JAVA ?? 'java', jar);
  const args = cmd.args.map(a => a === '-Xmx256m' ? '-Xmx6m' : a === '-Xms32m' ? '-Xms6m' : a); // too small to start
  try {
    const run = cp.spawnSync(cmd.command, [...args, '--data-dir', data], { input: '', encoding: 'utf8',
      timeout: 60_000 });
    assert.equal(run.status, 3, run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Terminating due to java\.lang\.OutOfMemoryError/);
  } finally {
    fs.rmSync(data, { recursive: true, force: true });
  }
});

test('the client backend loads through a handler registered after a failed load, over the wire', { timeout: 120_000 },
  async () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'warmup-vscode-load-'));
    const cmd = serverCommand(process.env.JAVA ?? 'java', jar, undefined, undefined, 'debug');
    const server = cp.spawn(cmd.command, [...cmd.args, '--data-dir', data, '--stdio'],
      { stdio: ['pipe', 'pipe', 'pipe'] });
    let log = '';
    server.stderr!.on('data', (b: Buffer) => { log += b.toString(); process.stderr.write(b); });
    const conn = createMessageConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
    let failed!: () => void;
    const failedOnce = new Promise<void>(resolve => { failed = resolve; });
    // as the extension wires it: warmup/load and warmup/unload to the bridge, its answers back to the server
    const bridge = new LoadBridge(p => {
      void conn.sendNotification('warmup/modelState', p); // on its way before the test goes on
      if (p.state === 'failed') { failed(); }
    }, () => void conn.sendNotification('warmup/loaderReady'));
    conn.onNotification('warmup/load', (req: { model: string }) => { void bridge.load(req); });
    conn.onNotification('warmup/unload', (req: { model: string; reason?: string }) => {
      void bridge.unload(req.model, req.reason);
    });
    const statuses: WarmupStatus[] = [];
    const waiters: (() => void)[] = [];
    conn.onNotification('warmup/statusChanged', (s: WarmupStatus) => { statuses.push(s); waiters.forEach(w => w()); });
    conn.onNotification('window/logMessage', () => undefined);
    conn.onRequest('workspace/configuration', () => [null]);
    conn.listen();
    try {
      const settings: Record<string, unknown> = {
        models: [{ id: 'coder', tasks: ['completion'], memoryMb: 1500, loadSeconds: 3 }] };
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {},
        initializationOptions: initializationOptions(k => settings[k]) });
      await conn.sendNotification('initialized', {});
      // an hour of completion with coder, which the editor has just unloaded: the server wants it warm again
      const now = Date.now();
      for (let minute = 60; minute >= 1; minute--) {
        await conn.sendNotification('warmup/modelUsed', { model: 'coder', task: 'completion',
          at: new Date(now - minute * 60_000).toISOString() });
      }
      await conn.sendNotification('warmup/modelState', { model: 'coder', state: 'unloaded' });
      await conn.sendNotification('warmup/activity', { kind: 'editorChanged' });
      await failedOnce; // asked to load coder with no handler registered

      const before = statuses.length; // coder was warm in earlier ones, while used
      const asked: string[] = [];
      const warm = new Promise<void>(resolve => waiters.push(() => {
        if (statuses.slice(before).some(s => s.models.some(m => m.id === 'coder' && m.state === 'warm'))) {
          resolve();
        }
      }));
      bridge.register({ load: async ({ model }) => { asked.push(model); return { memoryMb: 1500 }; } });
      await warm; // asked again at once: without warmup/loaderReady, not before the back-off's end
      assert.deepEqual(asked, ['coder']);
      const closed = new Promise<void>(resolve => server.on('close', () => resolve()));
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
      await closed; // its stderr read to the end
      // warmup.server.logLevel debug: our loads with their reason; no library's detail (JNA, OSHI, the HTTP client)
      assert.match(log, / FINE dev\.warmup\.server\.scheduler\.BackendActions: loading coder \(/);
      assert.deepEqual(log.split('\n').filter(l => / FINE /.test(l) && !/ FINE dev\.warmup\./.test(l)), []);
    } finally {
      conn.dispose();
      server.kill();
      fs.rmSync(data, { recursive: true, force: true });
    }
  });
