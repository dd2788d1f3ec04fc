// Issue 5, the configurator as a person uses it. Each test starts from a fresh browser context
// and ends with p.assertClean(): no request off the page's origin, no console error, no CSP
// violation.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { ROOT, saveScreenshot, startHarness } from './harness.mjs';

const CLI = join(ROOT, 'target/debug/istio-alb');

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'istio-alb-page-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The demo set as `istio-alb example` writes it (the page's demo button uses the same data). */
function example(t) {
  const dir = join(tempDir(t), 'example');
  execFileSync(CLI, ['example', dir], { stdio: 'pipe' });
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  return { dir, read };
}

/** Every entry of a zip: name → { size, sha256 } (python's zipfile: not our code). */
function zipListing(file) {
  const script = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({i.filename: [i.external_attr >> 16, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
}

async function fillDemo(page) {
  await page.getByRole('button', { name: 'Try it with demo data' }).click();
  await page.locator('#demo-banner').waitFor({ state: 'visible' });
}

async function summary(page) {
  return (await page.locator('#findings-summary').innerText()).trim();
}

test('demo data: no errors, and the downloaded zip equals the CLI bundle byte for byte', async (t) => {
  const p = await h.openPage(t, { viewport: { width: 1440, height: 900 } });
  await fillDemo(p.page);
  await p.page.waitForFunction(() => /^0 errors/.test(document.querySelector('#findings-summary')?.textContent.trim()));
  assert.match(await summary(p.page), /^0 errors, 0 warnings/);
  assert.ok(await p.page.locator('.cert-card').count() >= 4, 'cards for the demo certificates');
  await saveScreenshot(p.page, 'page-demo-1440');

  const [download] = await Promise.all([
    p.page.waitForEvent('download'),
    p.page.getByRole('button', { name: /^Download .*\.zip$/ }).click(),
  ]);
  const dir = tempDir(t);
  const pageZip = join(dir, 'page.zip');
  await download.saveAs(pageZip);
  assert.equal(download.suggestedFilename(), 'demo-cluster-istio-alb.zip');

  // The page states the exact command line that reproduces its zip.
  const command = await p.page.locator('#cli-command').innerText();
  const at = /--at (\S+)/.exec(command)[1];
  const ex = example(t);
  const cliZip = join(dir, 'cli.zip');
  execFileSync(CLI, ['bundle', join(ex.dir, 'settings.yaml'), '--out', cliZip, '--at', at], { stdio: 'pipe' });

  const pageFiles = zipListing(pageZip);
  const cliFiles = zipListing(cliZip);
  assert.deepEqual(Object.keys(pageFiles).sort(), Object.keys(cliFiles).sort(), 'same file list');
  assert.deepEqual(pageFiles, cliFiles, 'same modes and contents');
  assert.ok(readFileSync(pageZip).equals(readFileSync(cliZip)), 'byte-identical zip');
  assert.ok(Object.keys(pageFiles).some((f) => f.endsWith('scripts/install.sh')));
  await p.assertClean();
});

test('a key that does not match its certificate: key-mismatch, and clicking it focuses the key', async (t) => {
  const p = await h.openPage(t);
  await fillDemo(p.page);
  const ex = example(t);
  // The ALB client key is a real key, just not the gateway certificate's.
  await p.page.locator('#nlb_key').fill(ex.read('alb-client.key'));
  const finding = p.page.locator('.finding[data-code="key-mismatch"]').first();
  await finding.waitFor({ state: 'visible' });
  assert.equal(await finding.getAttribute('data-input'), 'nlb_key');
  assert.match(await summary(p.page), /^[1-9]\d* errors?/);
  await finding.click();
  assert.equal(await p.page.evaluate(() => document.activeElement?.id), 'nlb_key');
  // The download is refused while an error stands.
  assert.equal(await p.page.locator('#download-zip').getAttribute('aria-disabled'), 'true');
  await p.assertClean();
});

test('a messy paste (reversed order, CRLF, indentation, text around) is accepted', async (t) => {
  const p = await h.openPage(t);
  await fillDemo(p.page);
  const ex = example(t);
  const blocks = ex.read('nlb.crt').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  assert.ok(blocks.length >= 2, 'the demo gateway certificate comes with its intermediate');
  const messy =
    'copied from the console:\r\n' +
    blocks
      .reverse()
      .map((b) => b.split('\n').map((line) => `    ${line}`).join('\r\n'))
      .join('\r\n\r\n  some text between blocks\r\n') +
    '\r\n';
  await p.page.locator('#nlb_cert').fill(messy);
  await p.page.waitForFunction(() => /^0 errors/.test(document.querySelector('#findings-summary')?.textContent.trim()));
  assert.equal(await p.page.locator('[data-code="pem-malformed"]').count(), 0);
  // Browsers normalise a textarea's line ends to LF; beyond that, nothing typed is rewritten.
  assert.equal(await p.page.locator('#nlb_cert').inputValue(), messy.replace(/\r\n/g, '\n'), 'nothing typed is rewritten');
  const subjects = await p.page.locator('.cert-input:has(#nlb_cert) .cert-card__subject').allInnerTexts();
  assert.equal(subjects.length, 2, 'a card per pasted block');
  // The bundle holds the chain leaf first, whatever order it was pasted in.
  await p.page.locator('[data-path="certs/nlb.crt"]').click();
  const bundled = await p.page.locator('#file-contents').innerText();
  const leaf = blocks[blocks.length - 1]; // reversed above: the leaf was pasted last
  assert.ok(bundled.trimStart().startsWith(leaf.trim()), `certs/nlb.crt starts with the leaf:\n${bundled.slice(0, 120)}`);
  await p.assertClean();
});

test('accessible: axe-core finds no serious or critical violation with demo data, both schemes', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const p = await h.openPage(t, { colorScheme, viewport: { width: 1440, height: 900 } });
    await fillDemo(p.page);
    await p.page.locator('#nlb_key').fill('not a key');
    await p.page.locator('.finding--error').first().waitFor({ state: 'visible' });
    const { violations } = await new AxeBuilder({ page: p.page }).analyze();
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(
      bad.map((v) => `${colorScheme}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`),
      [],
    );
    await p.assertClean();
  }
});

test('keyboard only: tab reaches the demo button, Enter fills the form, focus is visible', async (t) => {
  const p = await h.openPage(t);
  let reached = false;
  for (let i = 0; i < 10 && !reached; i += 1) {
    await p.page.keyboard.press('Tab');
    reached = (await p.page.evaluate(() => document.activeElement?.id)) === 'demo-data';
  }
  assert.ok(reached, 'the demo button is reachable by Tab');
  const outline = await p.page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, 'none', 'focus is visible');
  await p.page.keyboard.press('Enter');
  await p.page.locator('#demo-banner').waitFor({ state: 'visible' });
  await p.assertClean();
});

test('only non-secret settings are stored; clear all empties everything', async (t) => {
  const p = await h.openPage(t);
  await p.page.locator('#cluster_name').fill('my-cluster');
  await p.page.keyboard.press('Tab');
  await p.page.locator('#nlb_key').fill('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n');
  await p.page.keyboard.press('Tab');
  const stored = await p.page.evaluate(async () => {
    const dump = (s) => Object.fromEntries(Array.from({ length: s.length }, (_, i) => [s.key(i), s.getItem(s.key(i))]));
    const dbs = indexedDB.databases ? await indexedDB.databases() : [];
    return { local: dump(localStorage), session: dump(sessionStorage), dbs: dbs.map((d) => d.name), cookie: document.cookie };
  });
  assert.deepEqual(Object.keys(stored.local), ['istio-alb.settings.v1'], 'one localStorage entry');
  assert.deepEqual(stored.session, {}, 'nothing in sessionStorage');
  assert.deepEqual(stored.dbs, [], 'no IndexedDB');
  assert.equal(stored.cookie, '', 'no cookies');
  const remembered = stored.local['istio-alb.settings.v1'];
  assert.match(remembered, /my-cluster/, 'the settings are remembered');
  assert.doesNotMatch(remembered, /BEGIN|PRIVATE|CERTIFICATE|MII/, 'no certificate or key material');

  // Survives a reload (settings only: the certificate fields come back empty).
  await p.page.reload();
  await p.page.waitForFunction(() => window.__appStarted === true);
  assert.equal(await p.page.locator('#cluster_name').inputValue(), 'my-cluster');
  assert.equal(await p.page.locator('#nlb_key').inputValue(), '');

  await p.page.getByRole('button', { name: 'Clear all' }).click();
  assert.equal(await p.page.locator('#cluster_name').inputValue(), '');
  const after = await p.page.evaluate(() => localStorage.getItem('istio-alb.settings.v1'));
  assert.ok(after === null || !after.includes('my-cluster'), 'clear all forgets the settings');
  await p.assertClean();
});

test('screenshots at 390 px and 1440 px, light and dark', async (t) => {
  for (const [width, colorScheme] of [[390, 'light'], [390, 'dark'], [1440, 'dark']]) {
    const p = await h.openPage(t, { viewport: { width, height: 844 }, colorScheme });
    await fillDemo(p.page);
    const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `no horizontal scrolling at ${width} px (overflow ${overflow} px)`);
    await saveScreenshot(p.page, `page-demo-${width}-${colorScheme}`);
    await p.assertClean();
  }
});

test('settings export and import round-trip through the CLI settings file', async (t) => {
  const p = await h.openPage(t);
  await fillDemo(p.page);
  await p.page.locator('#app_namespace').fill('shop');
  await p.page.keyboard.press('Tab');
  const [download] = await Promise.all([
    p.page.waitForEvent('download'),
    p.page.getByRole('button', { name: 'Export settings' }).click(),
  ]);
  const dir = tempDir(t);
  const file = join(dir, 'settings.yaml');
  await download.saveAs(file);
  const yaml = readFileSync(file, 'utf8');
  assert.match(yaml, /app_namespace: shop/);
  assert.doesNotMatch(yaml, /PRIVATE KEY/);

  await p.page.getByRole('button', { name: 'Clear all' }).click();
  writeFileSync(file, yaml);
  await p.page.locator('input[type=file][accept*=yaml]').setInputFiles(file);
  await p.page.waitForFunction(() => document.querySelector('#app_namespace').value === 'shop');
  assert.equal(await p.page.locator('#cluster_name').inputValue(), 'demo-cluster');
  await p.assertClean();
});

test('files arrive by the file picker and by drag and drop; a DER certificate is converted', async (t) => {
  const p = await h.openPage(t);
  const ex = example(t);
  await p.page.locator('.cert-input:has(#client_ca) input[type=file]').setInputFiles(join(ex.dir, 'ca.pem'));
  await p.page.waitForFunction(() => document.getElementById('client_ca').value.includes('BEGIN CERTIFICATE'));
  assert.equal(await p.page.locator('#client_ca').inputValue(), ex.read('ca.pem'));

  // A binary DER certificate dropped on the other CA field (openssl converts; our code reverses).
  const der = execFileSync('openssl', ['x509', '-in', join(ex.dir, 'ca.pem'), '-outform', 'DER']);
  await p.page.evaluate((bytes) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], 'ca.der'));
    document.getElementById('gateway_ca').dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
    );
  }, [...der]);
  await p.page.waitForFunction(() => document.getElementById('gateway_ca').value.includes('BEGIN CERTIFICATE'));
  const status = await p.page.locator('.cert-input:has(#gateway_ca) .cert-input__status').innerText();
  assert.match(status, /DER converted to PEM/);
  const fingerprints = async (id) =>
    p.page.locator(`.cert-input:has(#${id}) .cert-card__fingerprint`).allInnerTexts();
  assert.deepEqual(await fingerprints('gateway_ca'), await fingerprints('client_ca'), 'the same certificate');

  // A binary file that is not a certificate is refused by name, and the field keeps its text.
  await p.page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array([0x30, 0x82, 0x01, 0x00, 0xff, 0x00])], 'bundle.p12'));
    document.getElementById('gateway_ca').dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
    );
  });
  // ... and is an error on the field until its text changes.
  const refused = p.page.locator('.finding[data-input="gateway_ca"][data-code="pem-malformed"]');
  await refused.waitFor();
  assert.match(await refused.innerText(), /The file bundle\.p12 is binary/);
  assert.match(await p.page.locator('#gateway_ca').inputValue(), /BEGIN CERTIFICATE/);
  await p.assertClean();
});

test('the header states the verdict and links to the findings', async (t) => {
  const p = await h.openPage(t);
  assert.match(await p.page.locator('#header-status').innerText(), /^Nothing checked yet: \d+ inputs to fill in/);
  await fillDemo(p.page);
  await p.page.waitForFunction(() => /ready to download/.test(document.getElementById('header-status').textContent));
  await p.page.locator('#nlb_key').fill('garbage');
  await p.page.waitForFunction(() => /^[1-9]\d* errors?/.test(document.getElementById('header-status').textContent));
  assert.equal(await p.page.locator('#header-status').getAttribute('href'), '#step-check');
  await p.assertClean();
});
