// Drives code-server in headless Chromium: waits for the workbench, opens and edits a file, waits for the Warmup
// status bar item to show the running server, runs "Warmup: Show Status" and checks the status it opens.
import { chromium } from 'playwright-core';

const [url, out] = process.argv.slice(2);
const step = (what) => console.log(`e2e: ${what}`);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
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
  await page.locator('.explorer-folders-view').getByText('main.py').click({ timeout: 120_000 });
  const editor = page.locator('.editor-instance .monaco-editor').first();
  await editor.waitFor({ timeout: 60_000 });
  await editor.locator('.view-lines').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\nprint(greet("warmup"))\n');
  step('edited main.py');
  await page.waitForTimeout(1).catch(() => {});
  const item = page.locator('.statusbar-item', { hasText: /\d+ warm/ });
  await item.first().waitFor({ timeout: 60_000 });
  step(`status bar: "${(await item.first().innerText()).trim()}"`);
  await page.screenshot({ path: `${out}/status-bar.png` });
  await page.keyboard.press('F1');
  await page.keyboard.type('Warmup: Show Status');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Warmup: Show Status' }).first()
    .waitFor({ timeout: 60_000 });
  await page.keyboard.press('Enter');
  await page.locator('.view-lines', { hasText: '"running"' }).first().waitFor({ timeout: 60_000 });
  step('Show Status opened the server status ("state": "running")');
  await page.screenshot({ path: `${out}/show-status.png` });
  console.log('e2e: PASS');
} catch (e) {
  await page.screenshot({ path: `${out}/failure.png` }).catch(() => {});
  console.error('e2e: FAIL', e);
  process.exitCode = 1;
} finally {
  await browser.close();
}
