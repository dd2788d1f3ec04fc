// The harness and the page's security envelope, independent of the UI's content:
// the release build loads and starts its wasm under the page's CSP, without a foreign request,
// a console error or a CSP violation; the CSP really forbids connections; downloads still work.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, saveScreenshot, startHarness } from './harness.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

test('the page starts its wasm and shows its title, with nothing foreign or failing', async (t) => {
  const p = await h.openPage(t);
  // index.html has no <h1> (only a <noscript> note): a visible <h1> means the wasm app mounted.
  await p.page.locator('h1').first().waitFor({ state: 'visible' });
  assert.match(await p.page.locator('h1').first().innerText(), /Istio.*ALB\/NLB/);
  const wasmFetches = p.requests.filter((r) => r.url.endsWith('.wasm'));
  assert.deepEqual(wasmFetches, [], 'the wasm travels inside boot-*.js; nothing may fetch it');
  await saveScreenshot(p.page, 'smoke-1280');
  await p.assertClean();
});

test('the second module (make-*.js) is not part of the first screen: imported once, after it', async (t) => {
  // Issue 26: index.html loads the first module only; the second, which makes the files, is
  // imported by the boot script once the app has started, and makes the demo's files.
  assert.doesNotMatch(readFileSync(join(DIST, 'index.html'), 'utf8'), /make-/);
  const p = await h.openPage(t);
  await p.page.locator('h1').first().waitFor({ state: 'visible' });
  await p.page.getByRole('button', { name: 'Try it with demo data' }).click();
  await p.page.locator('#file-tree [data-path="scripts/install.sh"]').waitFor();
  const urls = p.requests.map((r) => r.url);
  const make = urls.filter((u) => /\/make-[0-9a-f]{16}\.js$/.test(u));
  assert.equal(make.length, 1, `one import of the second module, got:\n  ${urls.join('\n  ')}`);
  // Trunk's hash in the glue's name is a number in hex, without leading zeros (15 digits once).
  const glue = urls.findIndex((u) => /\/istio-alb-[0-9a-f]+\.js$/.test(u));
  assert.ok(glue >= 0 && urls.indexOf(make[0]) > glue, `the second module after the first:\n  ${urls.join('\n  ')}`);
  await p.assertClean();
});

test('when the second module cannot be loaded, the Files step and the download say so', async (t) => {
  const p = await h.openPage(t);
  // The boot script's loader replaced by one that fails (as a blocked or broken make-*.js would).
  await p.page.addInitScript(() =>
    Object.defineProperty(window, 'istioAlbMake', {
      get: () => () => Promise.reject(new Error('blocked by the test')),
      set: () => {},
    }),
  );
  await p.page.reload();
  await p.page.locator('h1').first().waitFor({ state: 'visible' });
  await p.page.getByRole('button', { name: 'Try it with demo data' }).click();
  await p.page.waitForFunction(() => /^0 errors/.test(document.getElementById('findings-summary').textContent));
  const trouble = p.page.locator('#files-trouble');
  await trouble.waitFor();
  assert.match(await trouble.innerText(), /The files could not be made: .*blocked by the test/);
  await p.page.locator('#download-zip').click();
  await p.page.waitForFunction(() => /Could not build the zip: .*blocked by the test/.test(document.getElementById('download-status').textContent));
  await p.assertClean();
});

test('the CSP meta forbids connections and foreign scripts', async (t) => {
  const p = await h.openPage(t);
  const csp = await p.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  const directives = Object.fromEntries(
    csp.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([k, ...v]) => [k, v.join(' ')]),
  );
  assert.equal(directives['default-src'], "'none'");
  assert.equal(directives['connect-src'], "'none'");
  assert.equal(directives['script-src'], "'self' 'wasm-unsafe-eval'");
  assert.equal(directives['base-uri'], "'none'");
  assert.equal(directives['form-action'], "'none'");

  // The browser enforces it: even a fetch of the page's own origin is refused.
  const outcome = await p.page.evaluate(() => fetch('/index.html').then(() => 'fetched', () => 'refused'));
  assert.equal(outcome, 'refused');
  await p.page.waitForFunction(() => window.__cspViolations.length > 0);
  const provoked = await p.takeProblems();
  assert.ok(
    provoked.some((m) => /CSP violation: connect-src/.test(m)),
    `expected a connect-src violation, got:\n  ${provoked.join('\n  ')}`,
  );
  await p.assertClean();
});

test('a blob: download (how the page hands out the zip) is not blocked by the CSP', async (t) => {
  const p = await h.openPage(t);
  const [download] = await Promise.all([
    p.page.waitForEvent('download'),
    p.page.evaluate(() => {
      const url = URL.createObjectURL(new Blob(['hello bundle'], { type: 'application/zip' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = 'bundle.zip';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    }),
  ]);
  assert.equal(download.suggestedFilename(), 'bundle.zip');
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).toString(), 'hello bundle');
  await p.assertClean();
});

test('axe-core finds no serious or critical accessibility violation', async (t) => {
  const p = await h.openPage(t);
  await p.page.locator('h1').first().waitFor({ state: 'visible' });
  const { violations } = await new AxeBuilder({ page: p.page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
    [],
  );
  await p.assertClean();
});

test('the harness notices a request to another origin (and keeps it off the network)', async (t) => {
  const p = await h.openPage(t);
  // Navigations are not governed by connect-src: the harness itself must catch them.
  await p.page.evaluate(() => {
    const a = document.createElement('a');
    a.href = 'http://foreign.invalid/leak?secret=1';
    document.body.append(a);
    a.click();
  });
  await p.page.waitForEvent('requestfailed');
  const provoked = await p.takeProblems().catch(() => p.problems.splice(0));
  assert.ok(
    provoked.some((m) => m.startsWith('request to another origin') && m.includes('foreign.invalid')),
    `expected the foreign request to be flagged, got:\n  ${provoked.join('\n  ')}`,
  );
});
