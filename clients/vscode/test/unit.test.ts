import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { ActivityKind, ActivityReporter, READING_INTERVAL_MS, taskStarted } from '../src/activity';
import { findJava, JavaProbe, parseJavaVersion } from '../src/javaFinder';
import { LoadBridge, ModelStateParams } from '../src/loadBridge';
import { lastDays, localDay, metricsHtml } from '../src/metricsHtml';
import { RestartPolicy } from '../src/restartPolicy';
import { serverCommand } from '../src/serverArgs';
import { initializationOptions, SERVER_KEYS, valueInForce } from '../src/settings';
import { exportSummary, forgetSummary, formatStatus, retrainSummary } from '../src/statusFormat';
import { serialRunner } from '../src/serial';

function fakeProbe(javas: Record<string, number | undefined>): JavaProbe {
  return { isFile: p => p in javas, majorVersion: async p => javas[p] };
}

test('java -version output is parsed for old and new schemes', () => {
  assert.equal(parseJavaVersion('openjdk version "17.0.15" 2025-04-15'), 17);
  assert.equal(parseJavaVersion('java version "1.8.0_392"'), 8);
  assert.equal(parseJavaVersion('openjdk version "21" 2023-09-19'), 21);
  assert.equal(parseJavaVersion('no version here'), undefined);
});

test('Java is looked for in the setting, then JAVA_HOME, then PATH, and must be 17+', async () => {
  const probe = fakeProbe({ '/opt/jdk8/bin/java': 8, '/usr/bin/java': 21, '/jdk17/bin/java': 17 });
  const none = { value: undefined, fromWorkspace: false, approved: false, trusted: true };
  const viaPath = await findJava(none, { JAVA_HOME: '/opt/jdk8', PATH: '/nope:/usr/bin' }, probe, 'linux');
  assert.deepEqual(viaPath, { ok: true, java: '/usr/bin/java', source: 'PATH', version: 21 });
  const viaSetting = await findJava({ ...none, value: '/jdk17' }, { PATH: '/usr/bin' }, probe, 'linux');
  assert.equal(viaSetting.ok && viaSetting.source, 'warmup.java.home');
  const tooOld = await findJava(none, { JAVA_HOME: '/opt/jdk8', PATH: '' }, probe, 'linux');
  assert.equal(tooOld.ok, false);
  assert.match(!tooOld.ok ? tooOld.message : '', /Java 17 or newer.*Java 8/);
});

test('a Java path set by the workspace needs approval and trust', async () => {
  const probe = fakeProbe({ '/evil/bin/java': 17 });
  const ws = { value: '/evil', fromWorkspace: true, approved: false, trusted: true };
  const asked = await findJava(ws, {}, probe, 'linux');
  assert.equal(asked.ok, false);
  assert.equal(!asked.ok && asked.needsApproval, '/evil');
  const untrusted = await findJava({ ...ws, approved: true, trusted: false }, {}, probe, 'linux');
  assert.equal(untrusted.ok, false);
  const approved = await findJava({ ...ws, approved: true }, {}, probe, 'linux');
  assert.equal(approved.ok, true);
});

test('settings map to the server section, unset values left to the server defaults', () => {
  const values: Record<string, unknown> = { maxMemoryMb: 4096, 'java.home': '/jdk', models: [{ id: 'm' }] };
  const opts = initializationOptions(k => values[k]);
  assert.deepEqual(opts, { settings: { warmup: { maxMemoryMb: 4096, models: [{ id: 'm' }] } } });
});

test('a workspace cannot set where requests go; other keys take the most specific scope', () => {
  const evil = { type: 'openai', url: 'https://evil.example', allowRemote: true, apiKeyEnv: 'GITHUB_TOKEN' };
  const mine = { local: { type: 'ollama', url: 'http://127.0.0.1:11434' } };
  assert.deepEqual(valueInForce('backends', { globalValue: mine, workspaceValue: { x: evil } }), mine);
  assert.equal(valueInForce('backends', { workspaceFolderValue: { x: evil } }), undefined);
  assert.equal(valueInForce('maxMemoryMb', { globalValue: 2048, workspaceValue: 4096 }), 4096);
  assert.equal(valueInForce('maxMemoryMb', { globalValue: 2048, workspaceValue: 4096, workspaceFolderValue: 1024 }),
    1024);
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  assert.equal(pkg.contributes.configuration.properties['warmup.backends'].scope, 'machine');
});

test('every server setting is contributed with the server\'s default and range', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  const props = pkg.contributes.configuration.properties as Record<string, { default: unknown; minimum?: number;
    maximum?: number }>;
  const parser = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'server', 'src', 'main', 'java', 'dev',
    'warmup', 'server', 'config', 'SettingsParser.java'), 'utf8');
  const defaults = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'server', 'src', 'main', 'java',
    'dev', 'warmup', 'server', 'config', 'WarmupSettings.java'), 'utf8');
  let checked = 0;
  for (const m of parser.matchAll(/(?:intKey|doubleKey)\(section, "(\w+)", "", d\.\w+\(\), ([\d_.]+), ([\d_.]+)\)/g)) {
    const p = props[`warmup.${m[1]}`];
    assert.ok(p, `warmup.${m[1]} is contributed`);
    assert.equal(p.minimum, Number(m[2].replace(/_/g, '')), `minimum of ${m[1]}`);
    assert.equal(p.maximum, Number(m[3].replace(/_/g, '')), `maximum of ${m[1]}`);
    checked++;
  }
  assert.equal(checked, 12);
  for (const key of SERVER_KEYS) {
    assert.ok(props[`warmup.${key}`], `warmup.${key} is contributed`);
  }
  assert.match(defaults, new RegExp(`\\b${props['warmup.maxMemoryMb'].default}\\b`));
  assert.equal(pkg.engines.vscode, '^' + pkg.devDependencies['@types/vscode']);
});

test('status bar shows warm, loading and predicted models with a tooltip', () => {
  const v = formatStatus({ state: 'running', predictor: 'xgboost', models: [
    { id: 'coder', state: 'warm', memoryMb: 1500, probability: 0.9 },
    { id: 'chat', state: 'loading', memoryMb: 5500 },
    { id: 'big', state: 'unloaded', probability: 0.6 },
    { id: 'idle', state: 'unloaded', probability: 0.1 }], memoryUsedMb: 7000, memoryBudgetMb: 12000 });
  assert.equal(v.text, '$(sync~spin) 1 warm, 1 loading, 1 predicted');
  assert.equal(v.kind, 'busy');
  assert.match(v.tooltip, /coder: warm, p=0\.90, 1500 MB/);
  assert.match(v.tooltip, /Memory: 7000 \/ 12000 MB/);
  const shared = formatStatus({ state: 'running', models: [
    { id: 'coder', state: 'warm', memoryMb: 1500, heldBy: 'anotherServer' },
    { id: 'big', state: 'warm', memoryMb: 9000, heldBy: 'otherProgram' }] });
  assert.match(shared.tooltip, /coder: warm, 1500 MB \(held by another editor's server\)/);
  assert.match(shared.tooltip, /big: warm, 9000 MB \(loaded by another program\)/);
  const failed = formatStatus({ state: 'running', models: [{ id: 'coder', state: 'failed', memoryMb: 1500,
    error: 'WMP-8004 Model server request failed: connection refused', retryAt: '2026-03-02T09:10:00Z' }] });
  assert.match(failed.tooltip, /coder: failed, 1500 MB — WMP-8004 Model server request failed: connection refused \(next try \d/);
  assert.doesNotMatch(shared.tooltip, /next try/);
  const heldOff = formatStatus({ state: 'running', models: [{ id: 'coder', state: 'unloaded', memoryMb: 1500,
    retryAt: '2026-03-02T09:10:00Z' }, { id: 'big', state: 'unloaded', memoryMb: 9000 }] });
  assert.match(heldOff.tooltip, /coder: unloaded, 1500 MB \(unloaded by its model server; not warmed before \d/);
  assert.match(heldOff.tooltip, /big: unloaded, 9000 MB$/);
  const ours = formatStatus({ state: 'running', models: [{ id: 'coder', state: 'unloaded', memoryMb: 1500,
    unloadReason: 'not expected soon enough to keep (p=0.01 within 300 s)' }] });
  assert.match(ours.tooltip, /^coder: unloaded, 1500 MB \(unloaded: not expected soon enough to keep \(p=0\.01 within 300 s\)\)$/m);
  const silent = formatStatus({ state: 'running', models: [{ id: 'coder', state: 'warm', memoryMb: 1500,
    unconfirmedSince: '2026-03-02T09:10:00Z' }, { id: 'big', state: 'unloaded', unconfirmedSince: null }] });
  assert.match(silent.tooltip, /coder: warm, 1500 MB \(as last seen: its model server has not answered since \d/);
  assert.match(silent.tooltip, /big: unloaded$/m);
  const held = formatStatus({ state: 'running', models: [{ id: 'coder', state: 'unloaded', probability: 0.9 }],
    memoryUsedMb: 0, memoryBudgetMb: 2048, heldBack: ['WMP-4004 Warm-ups wait: the CPU is busier than maxCpuPercent'] });
  assert.match(held.tooltip, /Memory: 0 \/ 2048 MB\nHeld back: WMP-4004 Warm-ups wait: the CPU is busier than maxCpuPercent$/m);
  assert.doesNotMatch(v.tooltip, /Held back/);
  assert.equal(formatStatus(undefined, 'no Java').kind, 'error');
  assert.equal(formatStatus({ state: 'paused', models: [] }).kind, 'paused');
});

test('starts and restarts run one after the other, unless the one before hangs', async () => {
  const serially = serialRunner(60_000);
  const done: string[] = [];
  let endFirst: () => void = () => undefined;
  const first = serially(() => new Promise<void>(resolve => { endFirst = () => { done.push('first'); resolve(); }; }));
  const second = serially(async () => { done.push('second'); });
  const failing = serially(async () => { throw new Error('no Java'); });
  const fourth = serially(async () => { done.push('fourth'); });
  await new Promise(r => setImmediate(r));
  assert.deepEqual([...done], [], 'the second waits for the first');
  endFirst();
  await second;
  await assert.rejects(failing, /no Java/);
  await fourth;
  assert.deepEqual([...done], ['first', 'second', 'fourth'], 'in order, past a failure');
  await first;
  const hung = serialRunner(10);
  void hung(() => new Promise<void>(() => undefined)); // never ends
  await hung(async () => { done.push('after the hung one'); }); // goes on once it has waited 10 ms
  assert.equal(done[done.length - 1], 'after the hung one');
});

test('restarts stop after too many crashes in the window', () => {
  let now = 0;
  const p = new RestartPolicy(3, 180_000, () => now);
  assert.equal(p.crashed(), true);
  assert.equal(p.crashed(), true);
  assert.equal(p.crashed(), true);
  assert.equal(p.crashed(), false);
  now = 200_000; // the old crashes left the window
  assert.equal(p.crashed(), true);
});

test('the server runs with a small heap and exits on out-of-memory', () => {
  const c = serverCommand('/jdk/bin/java', '/ext/server/warmup-server.jar', '/logs/s.log');
  assert.equal(c.command, '/jdk/bin/java');
  assert.deepEqual(c.args.slice(0, 3), ['-Xmx256m', '-Xms32m', '-XX:+ExitOnOutOfMemoryError']);
  assert.deepEqual(c.args.slice(-4), ['-jar', '/ext/server/warmup-server.jar', '--log-file', '/logs/s.log']);
  // the JVM's own output never reaches stdout, which carries the protocol (protocol.test.ts runs it out of memory)
  assert.deepEqual(c.args.filter(a => a.startsWith('-Xlog')), ['-Xlog:disable', '-Xlog:all=warning,cds*=off:stderr']);
  assert.ok(c.args.includes('-XX:+DisplayVMOutputToStderr'));
  assert.ok(c.args.includes('-XX:-UsePerfData')); // idle, the JVM's statistics sampling was half its CPU time
  assert.ok(!c.args.some(a => a.includes('SharedArchive')));
  // a class-data archive from Java 19 on (AutoCreateSharedArchive is not in 17), before -jar
  const old = serverCommand('/jdk/bin/java', '/ext/server/warmup-server.jar', undefined,
    { javaVersion: 17, cacheDir: '/store' });
  assert.ok(!old.args.some(a => a.includes('SharedArchive')));
  const cds = serverCommand('/jdk/bin/java', '/ext/server/warmup-server.jar', undefined,
    { javaVersion: 21, cacheDir: '/store' });
  const at = cds.args.indexOf('-XX:+AutoCreateSharedArchive');
  assert.ok(at > 0 && at < cds.args.indexOf('-jar'));
  assert.equal(cds.args[at + 1], '-XX:SharedArchiveFile=' + path.join('/store', 'warmup-server.jsa'));
  // warmup.server.logLevel: passed on after the jar, unless it is the server's default
  const debug = serverCommand('/jdk/bin/java', '/ext/server/warmup-server.jar', '/logs/s.log', undefined, 'debug');
  assert.deepEqual(debug.args.slice(-6),
    ['-jar', '/ext/server/warmup-server.jar', '--log-file', '/logs/s.log', '--log-level', 'debug']);
  assert.ok(!serverCommand('/jdk/bin/java', '/j.jar', '/l', undefined, 'info').args.includes('--log-level'));
});

test('load handler bridge answers warmup/load with modelState', async () => {
  const sent: ModelStateParams[] = [];
  let t = 0;
  let ready = 0;
  const bridge = new LoadBridge(p => sent.push(p), () => ready++, () => (t += 500));
  await bridge.load({ model: 'm' });
  assert.deepEqual(sent.map(s => s.state), ['failed']);
  assert.equal(ready, 0);
  bridge.register({ load: async () => ({ memoryMb: 900 }) });
  assert.equal(ready, 1, 'the server hears that loads can go now');
  await bridge.load({ model: 'm' });
  assert.deepEqual(sent.slice(1), [{ model: 'm', state: 'loading' },
    { model: 'm', state: 'ready', loadMs: 500, memoryMb: 900 }]);
  bridge.register({ load: async () => { throw new Error('no GPU'); } });
  await bridge.load({ model: 'x' });
  assert.equal(sent[sent.length - 1].error, 'no GPU');
  await bridge.unload('m');
  assert.equal(sent[sent.length - 1].state, 'unloaded');
  const unloads: [string, string | undefined][] = [];
  bridge.register({ load: async () => undefined, unload: async (model, reason) => { unloads.push([model, reason]); } });
  await bridge.unload('m', 'not expected soon enough to keep (p=0.01 within 300 s)');
  assert.deepEqual(unloads, [['m', 'not expected soon enough to keep (p=0.01 within 300 s)']], 'the reason reaches it');
  const warned: string[] = [];
  const refusing = new LoadBridge(p => sent.push(p), () => undefined, () => t, m => warned.push(m));
  refusing.register({ load: async () => undefined, unload: async () => { throw new Error('busy generating'); } });
  await refusing.unload('m', 'no room within the memory budget and model limit (p=0.91 within 300 s)');
  assert.deepEqual(sent[sent.length - 1], { model: 'm', state: 'ready', memoryMb: undefined }, 'still loaded');
  assert.deepEqual(warned, ['the load handler could not unload m: busy generating']);
});

test('a server started again hears what the load handler holds loaded', async () => {
  const sent: ModelStateParams[] = [];
  const bridge = new LoadBridge(p => sent.push(p), () => undefined, () => 0);
  const handler = { load: async ({ model }: { model: string }) => (model === 'big' ? { memoryMb: 9000 } : undefined),
    unload: async () => undefined };
  bridge.register(handler);
  await bridge.load({ model: 'big' });
  await bridge.load({ model: 'small' });
  await bridge.load({ model: 'gone' });
  await bridge.unload('gone');
  sent.length = 0;
  bridge.announceLoaded();
  assert.deepEqual(sent, [{ model: 'big', state: 'ready', memoryMb: 9000 },
    { model: 'small', state: 'ready', memoryMb: undefined }]);
  bridge.register(handler); // the same handler again: it still holds them
  sent.length = 0;
  bridge.announceLoaded();
  assert.equal(sent.length, 2);
  const registered = bridge.register({ load: async () => undefined }); // another handler: the old one's are not its
  sent.length = 0;
  bridge.announceLoaded();
  assert.deepEqual(sent, []);
  await bridge.load({ model: 'small' });
  registered.dispose(); // its extension went away, with what it held
  sent.length = 0;
  bridge.announceLoaded();
  assert.deepEqual(sent, []);
  let finish: (r: { memoryMb: number }) => void = () => undefined;
  bridge.register({ load: () => new Promise((resolve) => { finish = resolve; }) });
  const late = bridge.load({ model: 'late' }); // under way when its handler is replaced
  bridge.register({ load: async () => ({ memoryMb: 1 }) });
  await bridge.load({ model: 'mine' });
  finish({ memoryMb: 700 });
  await late;
  sent.length = 0;
  bridge.announceLoaded();
  assert.deepEqual(sent, [{ model: 'mine', state: 'ready', memoryMb: 1 }],
    'a replaced handler\'s late load is its own, not the new handler\'s');
});

test('the metrics view draws its charts without scripts', () => {
  const html = metricsHtml([{ t: 0, hits: 1, misses: 1, warmGbHours: 0, warmMb: 1024 },
    { t: 10_000, hits: 3, misses: 1, warmGbHours: 0.01, warmMb: 2048 }], 'vscode-resource:');
  assert.match(html, /default-src 'none'/);
  assert.doesNotMatch(html, /<script/);
  assert.match(html, /Prediction accuracy \(hits \/ uses\): 75%/);
  assert.equal((html.match(/<polyline/g) ?? []).length, 4, 'no chart of the server\'s memory from a server without it');
  const withServer = metricsHtml([{ t: 0, hits: 1, misses: 1, warmGbHours: 0, warmMb: 1024, serverMb: 110 },
    { t: 10_000, hits: 3, misses: 1, warmGbHours: 0.01, warmMb: 2048, serverMb: 118 }], 'vscode-resource:');
  assert.equal((withServer.match(/<polyline/g) ?? []).length, 5);
  assert.match(withServer, /This server's own memory \(resident\): 118 MB/);
});

test('the metrics view says what the server reads of the machine, and whose limits those are', () => {
  const point = [{ t: 0, hits: 0, misses: 0, warmGbHours: 0, warmMb: 0 }];
  assert.doesNotMatch(metricsHtml(point, 'vscode-resource:'), /The machine as the server reads it/,
    'nothing from a server that does not say');
  const machine = metricsHtml(point, 'vscode-resource:', undefined, true,
    { memoryTotalMb: 24105, memoryAvailableMb: 23670, cpuLoad: 0.053 });
  assert.match(machine, /<p>23,670 of 24,105 MB of memory available; CPU 5 % busy\.<\/p>/);
  const limited = metricsHtml(point, 'vscode-resource:', undefined, true, { memoryTotalMb: 24105,
    memoryAvailableMb: 23670, cpuLoad: 0.05, memoryLimits: [{ backends: ['<local>', 'box'], limitMb: 1024,
      availableMb: 711, where: 'the 1024 MB limit of the cgroup of backend <local>\'s model server' }],
    cpuLimits: [{ backends: ['<local>'], cores: 0.5, load: 1,
      where: 'the 0.5 CPUs\' quota of the cgroup of backend <local>\'s model server' }],
    modelServers: [{ backends: ['<local>', 'box'], pid: 4242,
      where: 'port 11434 forwarded by docker-proxy (pid 812) to 172.17.0.2:11434, pid 4242' }] });
  assert.match(limited, /23,670 of 24,105 MB of memory available; CPU 5 % busy\.<\/p>/);
  assert.match(limited, /<p>The warm-ups of backend &#60;local&#62; wait on the 0.5 CPUs&#39; quota of the cgroup of backend &#60;local&#62;&#39;s model server: 100 % of it busy\.<\/p>/);
  assert.match(limited, /<p>The models of backend &#60;local&#62;, box keep within the 1024 MB limit of the cgroup of backend &#60;local&#62;&#39;s model server: 711 MB of it available\.<\/p>/);
  assert.match(limited, /<p>The model server of backend &#60;local&#62;, box: port 11434 forwarded by docker-proxy \(pid 812\) to 172\.17\.0\.2:11434, pid 4242\.<\/p>/);
  assert.doesNotMatch(limited, /<local>/, 'what the server says is text, not markup');
  assert.match(metricsHtml(point, 'vscode-resource:', undefined, true, {}), /memory not read; CPU load not known\./);
});

test('the metrics view: counts whole, a scale on each chart, and empty charts that say why', () => {
  const two = metricsHtml([{ t: 0, hits: 1, misses: 2, warmGbHours: 0, warmMb: 1536 },
    { t: 10_000, hits: 4, misses: 2, warmGbHours: 0.01, warmMb: 7168 }], 'vscode-resource:');
  assert.match(two, /Hits \(model was warm\): 4</, 'a count, not 4.00');
  assert.match(two, /Cold starts: 2</);
  assert.match(two, /Warm memory now: 7.00 GB</);
  assert.match(two, /<text[^>]*>7.00 GB<\/text>/, 'the chart\'s top value in its corner');
  assert.match(two, /aria-label="Prediction accuracy \(hits \/ uses\)">.*?<text[^>]*>100%<\/text>/,
    'accuracy on a fixed 0 to 100 % scale');
  const flat = metricsHtml([{ t: 0, hits: 0, misses: 0, warmGbHours: 0, warmMb: 0 },
    { t: 10_000, hits: 0, misses: 0, warmGbHours: 0, warmMb: 0 }], 'vscode-resource:');
  assert.match(flat, /aria-label="Cold starts">.*?points="0.0,120.0 600.0,120.0"\/><text[^>]*>1<\/text>/,
    'none yet: a line along the bottom of a scale up to 1, not a scale of 0');
  assert.doesNotMatch(two, /one every 10 s\)<\/text>/, 'no chart is empty');

  const none = metricsHtml([{ t: 0, hits: 0, misses: 0, warmGbHours: 0, warmMb: 0 }], 'vscode-resource:');
  assert.match(none, /Prediction accuracy \(hits \/ uses\): no uses yet</, 'not 0 % before any use');
  assert.match(none, /Hits \(model was warm\): 0</);
  assert.equal((none.match(/a line once there are two samples/g) ?? []).length, 4, 'every chart waits for a second');
  assert.equal((none.match(/<polyline/g) ?? []).length, 0);
  assert.match(metricsHtml([], 'vscode-resource:'), /Cold starts: not sampled yet</);
  const idle = metricsHtml([{ t: 0, hits: 0, misses: 0, warmGbHours: 0, warmMb: 0 },
    { t: 10_000, hits: 0, misses: 0, warmGbHours: 0, warmMb: 0 }], 'vscode-resource:');
  assert.match(idle, /<text[^>]*>no uses yet<\/text>/, 'two samples, but no use to reckon accuracy from');
  const late = metricsHtml([{ t: 0, hits: 0, misses: 0, warmGbHours: 0, warmMb: 0 },
    { t: 10_000, hits: 1, misses: 0, warmGbHours: 0, warmMb: 0 },
    { t: 20_000, hits: 1, misses: 1, warmGbHours: 0, warmMb: 0 }], 'vscode-resource:');
  assert.match(late, /aria-label="Prediction accuracy \(hits \/ uses\)">.*?points="300.0,0.0 600.0,60.0"/,
    'the accuracy line starts at the first use, on the same time axis as the other charts');

  const quiet = metricsHtml([], 'vscode-resource:', lastDays([], '2026-03-02'));
  assert.match(quiet, /last 30 days: 0</);
  assert.match(quiet, /no model use recorded in these days/);
  assert.equal((quiet.match(/<rect x=/g) ?? []).length, 0, 'no empty bars');
});

test('the metrics view shows the uses of the last 30 days, a bar a day, days without uses empty', () => {
  const days = lastDays([{ day: '2026-01-30', uses: 7 }, { day: '2026-02-27', uses: 2 }, { day: '2026-03-01', uses: 4 },
    { day: '2026-03-02', uses: 5 }], '2026-03-02');
  assert.equal(days.length, 30);
  assert.deepEqual(days[0], { day: '2026-02-01', uses: 0 }, 'thirty days back, across the month; January left out');
  assert.deepEqual(days.slice(26), [{ day: '2026-02-27', uses: 2 }, { day: '2026-02-28', uses: 0 },
    { day: '2026-03-01', uses: 4 }, { day: '2026-03-02', uses: 5 }]);
  const html = metricsHtml([], 'vscode-resource:', days);
  assert.match(html, /Model uses by day, last 30 days: 11</);
  assert.equal((html.match(/<rect x=/g) ?? []).length, 30);
  assert.match(html, /<title>2026-03-02: 5<\/title>/);
  assert.match(html, /y="0.0" width="[0-9.]+" height="120.0"[^>]*><title>2026-03-02/, 'the busiest day fills the height');
  assert.doesNotMatch(metricsHtml([], 'vscode-resource:'), /uses by day/, 'left out when the server did not answer');
  assert.doesNotMatch(html, /Not counting/);
  assert.match(metricsHtml([], 'vscode-resource:', days, false), /last 30 days: 11<\/h2><p>Not counting the latest uses:/
    , 'said when the server answered complete: false');
  assert.equal(localDay(new Date(2026, 2, 2, 23, 59)), '2026-03-02', 'the day on this machine\'s calendar');
});

test('activity: the window focus when it changes, tasks by their group, kinds only', () => {
  const sent: ActivityKind[] = [];
  const activity = new ActivityReporter(k => sent.push(k));
  activity.focus(true, true); // the server has just started: said even though nothing changed yet
  activity.focus(true); // VS Code fires for other window state too: not said again
  activity.focus(false);
  activity.focus(false);
  activity.focus(true);
  activity.focus(true, true); // a restarted server hears it again
  activity.report('debugStarted');
  assert.deepEqual(sent, ['windowFocused', 'windowBlurred', 'windowFocused', 'windowFocused', 'debugStarted']);
  assert.equal(taskStarted('build'), 'buildStarted');
  assert.equal(taskStarted('rebuild'), 'buildStarted');
  assert.equal(taskStarted('test'), 'testStarted');
  assert.equal(taskStarted('clean'), 'taskStarted');
  assert.equal(taskStarted(undefined), 'taskStarted');
});

test('activity: a clock that goes back does not silence reading events', () => {
  const sent: ActivityKind[] = [];
  let now = 10_000_000;
  const activity = new ActivityReporter(k => sent.push(k), () => now);
  activity.reading('caretMoved');
  now -= 3_600_000; // an injected clock set back an hour (the default, the monotonic clock, never goes back)
  activity.reading('caretMoved');
  now += 1000;
  activity.reading('caretMoved'); // throttled again from the new reading
  now += READING_INTERVAL_MS;
  activity.reading('caretMoved');
  assert.deepEqual(sent, ['caretMoved', 'caretMoved', 'caretMoved']);
});

test('activity: caret moves and scrolling at most once per interval each', () => {
  const sent: ActivityKind[] = [];
  let now = 1_000_000;
  const activity = new ActivityReporter(k => sent.push(k), () => now);
  activity.reading('caretMoved');
  activity.reading('scrolled');
  for (let i = 0; i < 50; i++) { // holding an arrow key: fifty moves in a second
    now += 20;
    activity.reading('caretMoved');
  }
  now = 1_000_000 + READING_INTERVAL_MS;
  activity.reading('caretMoved');
  activity.reading('scrolled');
  activity.report('editorChanged'); // not throttled: one per switch
  activity.report('editorChanged');
  assert.deepEqual(sent, ['caretMoved', 'scrolled', 'caretMoved', 'scrolled', 'editorChanged', 'editorChanged']);
});

test('after forgetting, the message says how much went, and why the file was not compacted if it was not', () => {
  assert.equal(forgetSummary({ events: 1200, dailyCounts: 1, compacted: true }),
    'Warmup forgot 1200 recorded events and 1 daily count, and what it learnt from them; it learns again from now on.');
  const locked = forgetSummary({ events: 1, dailyCounts: 0, compacted: false, notCompacted: 'database is locked' });
  assert.match(locked, /^Warmup forgot 1 recorded event and 0 daily counts, /);
  assert.ok(locked.endsWith(' (The file could not be compacted now: database is locked.)'), locked);
});

test('after retraining, the message names the trees and the file, and warns when the file could not be saved', () => {
  assert.deepEqual(retrainSummary({ samples: 420, learnedTasks: ['completion', 'chat'], file: '/d/predictor.json',
    saved: true }), { text: 'Warmup retrained on 420 samples: trees for completion, chat. Saved to /d/predictor.json.',
    warning: false });
  assert.deepEqual(retrainSummary({ samples: 1, learnedTasks: [], saved: true }),
    { text: 'Warmup retrained on 1 sample: no task has enough history for trees yet.', warning: false });
  const failed = retrainSummary({ samples: 9, learnedTasks: ['chat'], file: '/d/predictor.json', saved: false,
    notSaved: 'WMP-2004 Prediction model could not be saved: /d/predictor.json: No space left on device' });
  assert.equal(failed.warning, true);
  assert.ok(failed.text.startsWith('Warmup retrained on 9 samples: trees for chat. The model was not saved: WMP-2004 '),
    failed.text);
  assert.deepEqual(retrainSummary({ samples: 3, learnedTasks: [], file: '/d/p.json', saved: true,
    historyUnread: 'WMP-7004 Usage store read failed: reading the history for the predictor: disk I/O error' }),
  { text: 'Warmup retrained on 3 samples: no task has enough history for trees yet. Saved to /d/p.json. Trained on'
    + ' this session\'s events only: WMP-7004 Usage store read failed: reading the history for the predictor: disk I/O'
    + ' error', warning: true });
});

test('an export says how many events went where, and warns when the store could not take the latest', () => {
  assert.deepEqual(exportSummary({ path: '/h/t.jsonl', events: 12 }, '/h/t.jsonl'),
    { text: 'Warmup exported 12 events to /h/t.jsonl', warning: false });
  assert.deepEqual(exportSummary({ path: '/h/t.jsonl', events: 3, complete: false, note: 'the latest events recorded'
    + ' were still waiting for the usage store, which cannot be written now (WMP-7002), and are not in this trace' },
  '/h/t.jsonl'), { text: 'Warmup exported 3 events to /h/t.jsonl, not all: the latest events recorded were still'
    + ' waiting for the usage store, which cannot be written now (WMP-7002), and are not in this trace', warning: true });
  assert.deepEqual(exportSummary({}, '/h/t.jsonl'), { text: 'Warmup exported 0 events to /h/t.jsonl', warning: false });
});

test('the bundle ships the licence of every package it is built from', () => {
  // what npm installs for the extension to run (package-lock's non-dev packages), not what the notices script reads
  const root = path.join(__dirname, '..', '..');
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const shipped = Object.entries(lock.packages as Record<string, { version: string; dev?: boolean }>)
    .filter(([dir, p]) => dir !== '' && !p.dev)
    .map(([dir, p]) => `${dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length)} ${p.version}`);
  assert.ok(shipped.includes('vscode-languageclient 9.0.1'), shipped.join(', '));
  const notices = fs.readFileSync(path.join(root, 'dist', 'THIRD-PARTY-NOTICES.txt'), 'utf8');
  const sections = notices.split(/^-{78}\n/m);
  for (const pkg of shipped) {
    const at = sections.findIndex(s => s.startsWith(`${pkg} (`));
    assert.ok(at > 0, `${pkg} is in dist/THIRD-PARTY-NOTICES.txt`);
    assert.match(sections[at + 1], /Copyright|Permission|Licen[sc]e/, `${pkg}'s licence text follows its name`);
  }
});
