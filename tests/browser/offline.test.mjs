// Issue 12: the offline copy. dist/istio-alb-offline.html, saved to a folder of its own and
// opened from file:// with no server running, does what the served page does: demo data, the
// check, the previews, the zip (byte for byte the CLI's), settings export and import. Nothing is
// requested: every request the browser reports (Chrome DevTools Protocol Network events and
// Playwright's request events) is listed, and only the file's own navigation may be there.
// The served page links to the file with its SHA-256, which must be the file's.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { CHROMIUM, DIST, saveScreenshot, startHarness } from './harness.mjs';
import { CLI, example, fillDemo, summary, tempDir, waitForSummary, zipListing } from './helpers.mjs';

const OFFLINE = join(DIST, 'istio-alb-offline.html');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser;
before(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
});
after(() => browser?.close());

/** The offline file copied into a fresh folder (as a user saves it), opened from file://. */
async function openOffline(t) {
  const dir = tempDir(t);
  const file = join(dir, 'istio-alb-offline.html');
  copyFileSync(OFFLINE, file);
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  t.after(() => context.close());
  const requests = []; // every request the browser reports, by either route
  const problems = [];
  context.on('request', (r) => requests.push(`playwright ${r.resourceType()} ${r.method()} ${r.url()}`));
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(`${e.effectiveDirective} ${e.blockedURI}`));
    addEventListener('TrunkApplicationStarted', () => (window.__appStarted = true), { once: true });
  });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  cdp.on('Network.requestWillBeSent', (e) => requests.push(`cdp ${e.type} ${e.request.method} ${e.request.url}`));
  cdp.on('Network.webSocketCreated', (e) => requests.push(`cdp websocket ${e.url}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`console error: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => window.__appStarted === true, null, { timeout: 30_000 });
  return {
    page,
    dir,
    /** No request but the file's own navigation; no console error, page error, CSP violation. */
    async assertNoRequestAndClean() {
      const csp = await page.evaluate(() => window.__csp);
      assert.deepEqual([...problems, ...csp], [], 'the offline page misbehaved');
      const others = requests.filter((r) => !r.endsWith(` GET ${url}`));
      assert.deepEqual(others, [], 'the offline page requested something');
      assert.ok(requests.length >= 1, 'the request recorders saw the navigation (they work)');
    },
  };
}

test('the offline file is one file: no URL to load, a CSP of hashes with connect-src none', () => {
  const html = readFileSync(OFFLINE, 'utf8');
  assert.doesNotMatch(html, /<script[^>]+src=/, 'no external script');
  assert.doesNotMatch(html, /<link[^>]+rel="(stylesheet|modulepreload|preload)"/, 'no external stylesheet or preload');
  const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)[1];
  assert.match(csp, /connect-src 'none'/);
  assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+' 'wasm-unsafe-eval';/);
  assert.doesNotMatch(csp, /'self'|unsafe-inline|\*/);
  // Every inline script and style is allowed by its hash, and no other.
  const hashes = (tag) =>
    [...html.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, 'g'))].map(
      (m) => `'sha256-${createHash('sha256').update(m[1]).digest('base64')}'`,
    );
  for (const h of hashes('script')) assert.ok(csp.includes(h), `script hash ${h} in the CSP`);
  for (const h of hashes('style')) assert.ok(csp.includes(h), `style hash ${h} in the CSP`);
  assert.ok(hashes('style').length >= 1 && hashes('script').length === 1);
  assert.doesNotMatch(html, /name="istio-alb-offline"/, 'the file does not claim a hash of itself');
});

test('the served page links to the offline file and shows its SHA-256', async (t) => {
  const sha = createHash('sha256').update(readFileSync(OFFLINE)).digest('hex');
  const h = await startHarness();
  t.after(() => h.close());
  const p = await h.openPage(t);
  const link = p.page.getByRole('link', { name: 'Save this page for offline use' });
  assert.equal(await link.getAttribute('href'), 'istio-alb-offline.html');
  assert.equal((await p.page.locator('#offline-sha256').innerText()).trim(), sha);
  await p.assertClean();
});

test('from file://: demo data, check, preview, zip equal to the CLI bundle, settings out and in, no request', async (t) => {
  const o = await openOffline(t);
  const page = o.page;
  assert.equal(await page.locator('#offline-link').count(), 0, 'no offline link in the offline file');
  await fillDemo(page);
  await waitForSummary(page, /^0 errors, 0 warnings/);
  assert.ok((await page.locator('.cert-card').count()) >= 4, 'cards for the demo certificates');
  assert.match(await page.locator('#file-contents').innerText(), /\S/, 'a file preview');
  await saveScreenshot(page, 'offline-demo-1440');

  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download-zip').click()]);
  const dir = tempDir(t);
  const pageZip = join(dir, 'page.zip');
  await download.saveAs(pageZip);
  const at = /--at (\S+)/.exec(await page.locator('#cli-command').innerText())[1];
  const ex = example(t);
  const cliZip = join(dir, 'cli.zip');
  execFileSync(CLI, ['bundle', join(ex.dir, 'settings.yaml'), '--out', cliZip, '--at', at], { stdio: 'pipe' });
  assert.deepEqual(zipListing(pageZip), zipListing(cliZip), 'same files, modes and contents');
  assert.ok(readFileSync(pageZip).equals(readFileSync(cliZip)), 'byte-identical zip');

  const [exported] = await Promise.all([page.waitForEvent('download'), page.locator('#export-settings').click()]);
  const settings = join(dir, 'settings.yaml');
  await exported.saveAs(settings);
  assert.match(readFileSync(settings, 'utf8'), /demo-cluster/);
  await page.getByRole('button', { name: 'Clear all' }).click();
  await page.waitForFunction(() => document.querySelector('#cluster_name').value !== 'demo-cluster');
  await page.locator('input[type=file][accept*=yaml]').setInputFiles(settings);
  await page.waitForFunction(() => document.querySelector('#cluster_name').value === 'demo-cluster');
  assert.match(await summary(page), /\S/);
  await o.assertNoRequestAndClean();
});
