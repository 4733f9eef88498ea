// Drives code-server in headless Chromium: waits for the workbench and for the Warmup status bar item to show the
// running server, opens and edits a file, runs "Warmup: Show Status" and checks the status it opens, then edits a
// cell of a notebook, runs the build task, opens the metrics view, and asks for the comparison with keep-alive timers;
// once run.sh has found those events in the server's store, runs "Warmup: Forget My Usage History" and confirms it;
// sets the Java home, then the log level, in the remote settings, each once run.sh has seen the server before it, and
// once run.sh has found the server started again with them, pauses warming through it and waits for the status bar
// to show it.
import { existsSync, writeFileSync } from 'node:fs';
import { chromium } from 'playwright-core';

const [url, out, javaHome] = process.argv.slice(2);
const step = (what) => console.log(`e2e: ${what}`);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });

/** Opens {@code file} from the explorer and types {@code text} at the end of the editor {@code selector} finds. */
async function typeAtEnd(file, selector, text) {
  await page.locator('.explorer-folders-view').getByText(file).click({ timeout: 120_000 });
  const editor = page.locator(selector).first();
  await editor.waitFor({ timeout: 60_000 });
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
}

/**
 * Runs a command from the command palette. The title goes straight into the palette's input, not typed at whatever
 * has the focus: keys typed as the palette opens over a webview (the metrics view) can be lost to the webview.
 */
async function runCommand(title) {
  for (const until = Date.now() + 60_000; ;) {
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ timeout: 60_000 });
    await input.fill(`>${title}`);
    try { // the palette lists what the moment's context allows: a command shown once the server is ready may not be yet
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 5_000 });
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (Date.now() > until) throw e;
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  await page.keyboard.press('Enter');
}
/** Waits until some frame of the page (a webview's is nested in two) shows {@code text}. */
async function frameShowing(text, timeoutMs) {
  for (const until = Date.now() + timeoutMs; ;) {
    for (const frame of page.frames()) {
      if (await frame.getByText(text).count().catch(() => 0) > 0) {
        return frame;
      }
    }
    if (Date.now() > until) {
      throw new Error(`no frame shows "${text}" within ${timeoutMs} ms`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
/** Waits until {@code path} exists (run.sh's signal), at most {@code timeoutMs}. */
async function fileAppears(path, timeoutMs) {
  for (const until = Date.now() + timeoutMs; !existsSync(path);) {
    if (Date.now() > until) {
      throw new Error(`${path} did not appear within ${timeoutMs} ms`);
    }
    await new Promise(r => setTimeout(r, 500));
  }
}
try {
  for (let i = 0; ; i++) { // code-server may need a moment before it listens
    try {
      await page.goto(url, { timeout: 30_000 });
      break;
    } catch (e) {
      if (i >= 30) throw e;
      await new Promise(r => setTimeout(r, 1000));
    }
  }
  await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
  step('workbench loaded');
  const item = page.locator('.statusbar-item', { hasText: /\d+ warm/ }); // the server is running: edits reach it
  await item.first().waitFor({ timeout: 60_000 });
  step(`status bar: "${(await item.first().innerText()).trim()}"`);
  await typeAtEnd('main.py', '.editor-instance .monaco-editor', '\nprint(greet("warmup"))\n');
  step('edited main.py');
  await page.screenshot({ path: `${out}/status-bar.png` });
  await runCommand('Warmup: Show Status');
  await page.locator('.view-lines', { hasText: '"running"' }).first().waitFor({ timeout: 60_000 });
  // a read-only document of its own, not an untitled buffer that asks to be saved when closed
  await page.locator('.tab', { hasText: 'Warmup Status.json' }).first().waitFor({ timeout: 60_000 });
  if (await page.locator('.tab', { hasText: /^Untitled-/ }).count() > 0) {
    throw new Error('Show Status opened an untitled buffer');
  }
  step('Show Status opened the server status ("state": "running") in a read-only "Warmup Status.json"');
  await page.screenshot({ path: `${out}/show-status.png` });
  // a notebook's cells are documents the server observes too (run.sh checks the store for the cell's edits)
  await typeAtEnd('analysis.ipynb', '.notebookOverlay .cell-editor-container .monaco-editor',
    '\ntotal = sum(range(10))');
  step('edited a cell of analysis.ipynb');
  await page.screenshot({ path: `${out}/notebook.png` });
  await runCommand('Tasks: Run Build Task');
  await page.locator('.terminal-wrapper').first().waitFor({ timeout: 60_000 }); // the task's terminal: it started
  await page.screenshot({ path: `${out}/build-task.png` });
  step('ran the build task'); // run.sh looks for its start in the server's store
  // the metrics view, a webview (an iframe in an iframe), draws the uses by day from the server's store at once
  await runCommand('Warmup: Show Metrics');
  await frameShowing('Model uses by day, last 30 days: 0', 60_000);
  await page.screenshot({ path: `${out}/metrics.png` });
  step('Show Metrics drew the uses by day (none recorded here)');
  // no AI extension reports model requests here, so the comparison says there is nothing to compare yet (WMP-1004)
  await runCommand('Warmup: Compare Prediction with Keep-Alive Timers');
  await page.locator('.notifications-toasts', { hasText: 'WMP-1004' }).first().waitFor({ timeout: 60_000 });
  await page.screenshot({ path: `${out}/compare.png` });
  step('Compare Prediction with Keep-Alive Timers answered (WMP-1004: no model requests recorded yet)');
  console.log('e2e: browser steps passed; waiting for run.sh to find the events in the store');
  await fileAppears(`${out}/store-checked`, 120_000);
  await runCommand('Warmup: Forget My Usage History');
  await page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Forget$/ }).first().click({ timeout: 60_000 });
  const forgot = page.locator('.notifications-toasts .notification-list-item-message', { hasText: 'Warmup forgot' });
  await forgot.first().waitFor({ state: 'visible', timeout: 60_000 });
  await page.screenshot({ path: `${out}/forget.png` });
  step(`Forget My Usage History asked first, then said: "${(await forgot.first().innerText()).trim()}"`);
  // a change of warmup.java.home, then of warmup.server.logLevel, each starts the server again with it (both are
  // read only at start): set here in the settings' JSON, as a user edits it, each once run.sh has looked at the
  // server before it (settings-N-go); run.sh finds each new server's command line; the last must then answer a
  // command and tell the status bar, which only a running client connected to it does. The remote settings, not the
  // user settings: code-server's window is a remote one, and in a remote window VS Code reads machine-scoped settings
  // (warmup.java.home, warmup.backends) from the remote's settings only (set in the user settings, the Java home was
  // ignored: the server restarted on /usr/bin/java)
  writeFileSync(`${out}/forgot`, '');
  const changes = [{ 'warmup.java.home': javaHome },
    { 'warmup.java.home': javaHome, 'warmup.server.logLevel': 'debug' }];
  for (const [i, settings] of changes.entries()) {
    await fileAppears(`${out}/settings-${i}-go`, 180_000);
    await runCommand('Preferences: Open Remote Settings (JSON)');
    // (this VS Code opens it over the others, without a tab; its breadcrumbs name the file)
    const crumbs = page.locator('.monaco-breadcrumbs', { hasText: 'settings.json' }).first();
    await crumbs.waitFor({ timeout: 60_000 });
    const lines = page.locator('.monaco-modal-editor-block .view-lines').first();
    await lines.click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete'); // emptied first: text put over a selection may be wrapped in brackets
    const text = JSON.stringify(settings);
    await page.keyboard.insertText(text);
    for (let tries = 0; (await lines.innerText()).trim() !== text; tries++) { // what is saved is what was meant
      if (tries >= 20) throw new Error(`the settings editor holds ${await lines.innerText()}, not ${text}`);
      await new Promise(r => setTimeout(r, 250));
    }
    await page.keyboard.press('Control+S');
    await page.screenshot({ path: `${out}/settings-${i}.png` });
    await page.locator('.monaco-modal-editor-block .codicon-close').first().click(); // the palette opens again
    step(`set ${JSON.stringify(settings)} in the remote settings`);
  }
  await fileAppears(`${out}/restart-checked`, 180_000);
  await item.first().waitFor({ timeout: 60_000 }); // "starting" while it restarts, then the new server's status
  await runCommand('Warmup: Pause Warming');
  await page.locator('.statusbar-item .codicon-debug-pause').first().waitFor({ timeout: 60_000 });
  await page.screenshot({ path: `${out}/restarted.png` });
  step('after the settings changed, the restarted server paused warming and the status bar shows it');
} catch (e) {
  await page.screenshot({ path: `${out}/failure.png` }).catch(() => {});
  console.error('e2e: FAIL', e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
