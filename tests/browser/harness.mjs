// Browser test harness: Debian's Chromium driven by playwright-core, the release build in dist/
// served by ./server.mjs, and a page fixture that records everything the page does.
//
//   import { startHarness } from './harness.mjs';
//   let h;
//   before(async () => { h = await startHarness(); });
//   after(() => h.close());
//   test('...', async (t) => {
//     const p = await h.openPage(t);          // closed automatically after the test
//     ... p.page is a Playwright Page ...
//     await p.assertClean();                   // no foreign request, console error, CSP violation
//   });
//
// Every test should end with await p.assertClean(): it fails on any request to another origin than the
// page's own (blob: and data: are fine), any console error, uncaught page error or CSP violation.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from './server.mjs';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = resolve(process.env.DIST ?? join(ROOT, 'dist'));
export const RESULTS = join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

// From ../shared/docs/toolchain.md: no sandbox (root in CI), no GPU, and nothing that phones home.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Schemes that never leave the machine. */
const LOCAL_SCHEMES = new Set(['blob:', 'data:', 'about:']);

/**
 * Start the static server on dist/ and launch Chromium (Playwright gives every launch a fresh,
 * temporary user-data-dir, and every openPage() a fresh context: no state leaks between tests).
 */
export async function startHarness() {
  assert.ok(
    existsSync(join(DIST, 'index.html')),
    `${DIST}/index.html is missing: build the page first (trunk build --release)`,
  );
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: run ./dev setup`);
  const server = await startServer(DIST);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  return {
    server,
    browser,
    origin: server.origin,
    openPage: (t, options) => openPage(t, browser, server.origin, options),
    close: async () => {
      await browser.close();
      await server.close();
    },
  };
}

/**
 * A fresh context + page on the app, with recorders attached before the first request.
 * options: { path = '/', viewport = { width: 1280, height: 900 }, colorScheme, waitForApp = true, clock = false }
 * With waitForApp, resolves once the wasm app has started (the TrunkApplicationStarted event).
 */
async function openPage(t, browser, origin, options = {}) {
  const { path = '/', viewport = { width: 1280, height: 900 }, colorScheme = 'light', waitForApp = true, clock = false, initScript, abortForeign = true } = options;
  const context = await browser.newContext({ viewport, colorScheme, acceptDownloads: true, serviceWorkers: 'allow' });
  // Playwright's fake clock, installed before the page's first script: time runs as usual until
  // a test pauses it, then timers fire only when the test moves the clock on.
  if (clock) await context.clock.install();
  const requests = []; // every request: { url, type, from }
  const problems = []; // everything that must not happen

  const record = (from) => (request) => {
    const url = request.url();
    requests.push({ url, type: request.resourceType(), from });
    if (!isOwn(url, origin)) problems.push(`request to another origin (${from}): ${request.method()} ${url}`);
  };
  context.on('request', record('context'));
  context.on('serviceworker', (worker) => problems.push(`service worker started: ${worker.url()}`));
  // Belt and braces: a foreign request is recorded above and then aborted, so a test run never
  // reaches the network even when the page misbehaves. Routing holds up every request of the
  // page for a round trip to Playwright, so the benchmark turns it off (abortForeign: false):
  // a foreign request is then still recorded and fails assertClean().
  if (abortForeign) {
    await context.route('**/*', (route) =>
      isOwn(route.request().url(), origin) ? route.continue() : route.abort('blockedbyclient'),
    );
  }
  // CSP violations also show up as console errors; the event gives the directive and blocked URL.
  // The browser dispatches it in a later task, so it is collected in the page and read when asked.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolations.push(
        `CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`,
      ),
    );
    addEventListener(
      'TrunkApplicationStarted',
      () => {
        window.__appStartedAt = performance.now(); // ms since navigation start (for benchmarks)
        window.__appStarted = true;
      },
      { once: true },
    );
  });

  // A caller's own script, run in the page before any of its scripts (benchmarks).
  if (initScript) await context.addInitScript(initScript);

  const page = await context.newPage();
  page.on('request', (r) => {
    // Requests of the page also reach the context listener; only count websockets etc. here.
    if (r.resourceType() === 'websocket') problems.push(`websocket: ${r.url()}`);
  });
  page.on('websocket', (ws) => problems.push(`websocket opened: ${ws.url()}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('crash', () => problems.push('page crashed'));

  t.after(() => context.close());
  await page.goto(new URL(path, origin).href);
  if (waitForApp) {
    try {
      await page.waitForFunction(() => window.__appStarted === true, null, { timeout: 30_000 });
    } catch (e) {
      throw new Error(`the wasm app did not start: ${e.message}\n  ${problems.join('\n  ')}`);
    }
  }

  return {
    page,
    context,
    origin,
    requests,
    problems,
    /** Remove and return the problems recorded so far (for tests that provoke one on purpose). */
    async takeProblems() {
      const csp = await page.evaluate(() => window.__cspViolations.splice(0));
      return [...problems.splice(0), ...csp];
    },
    /** Fail the test on any foreign request, console error, page error or CSP violation. */
    async assertClean() {
      const csp = page.isClosed() ? [] : await page.evaluate(() => window.__cspViolations);
      const all = [...problems, ...csp];
      assert.deepEqual(all, [], `the page misbehaved:\n  ${all.join('\n  ')}`);
    },
  };
}

function isOwn(url, origin) {
  const u = new URL(url);
  return LOCAL_SCHEMES.has(u.protocol) || u.origin === origin;
}

/** Save a full-page screenshot as test-results/<name>.png (gitignored); returns the path. */
export async function saveScreenshot(page, name) {
  mkdirSync(RESULTS, { recursive: true });
  const file = join(RESULTS, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/**
 * A test certificate and what openssl (not our code) says is in it.
 * Prefers the demo set of `istio-alb example` (target/debug/istio-alb, built by cargo test);
 * falls back to a throwaway self-signed certificate made with openssl while the CLI cannot
 * write it yet. Returns { pem, subjectCN, dnsNames, source }.
 */
export function testCertificate(t) {
  const dir = mkdtempSync(join(tmpdir(), 'istio-alb-cert-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let file = null;
  let source = 'openssl';
  const cli = join(ROOT, 'target/debug/istio-alb');
  if (existsSync(cli)) {
    try {
      execFileSync(cli, ['example', join(dir, 'example')], { stdio: 'pipe' });
      if (existsSync(join(dir, 'example/nlb.crt'))) {
        file = join(dir, 'example/nlb.crt');
        source = 'istio-alb example';
      }
    } catch {
      // Not implemented yet on this branch: fall back to openssl below.
    }
  }
  if (!file) {
    file = join(dir, 'test.crt');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'test.key'), '-out', file,
      '-subj', '/CN=test.example', '-addext', 'subjectAltName=DNS:test.example,DNS:www.test.example',
      '-days', '30',
    ], { stdio: 'pipe' });
  }
  return { ...describeWithOpenssl(file), pem: readFileSync(file, 'utf8'), source };
}

function describeWithOpenssl(file) {
  const text = execFileSync('openssl', ['x509', '-in', file, '-noout', '-subject', '-nameopt', 'RFC2253', '-ext', 'subjectAltName'], {
    encoding: 'utf8',
  });
  const cn = /^subject=.*?\bCN=([^,\n]+)/m.exec(text);
  const dnsNames = [...text.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]);
  return { subjectCN: cn ? cn[1] : null, dnsNames };
}
