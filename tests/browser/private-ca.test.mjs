// Issue 10 (the page's part): a private client CA made in the tab fills the four inputs, the
// cards say so, the eku-client-auth-missing finding offers it too, and the generated set,
// exported as settings + files and bundled by the CLI at the same time, gives the page's zip byte
// for byte. Issue 9 (the page's part): a key typed into a settings field is never stored or
// exported.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { startHarness } from './harness.mjs';
import { CLI, enter, example, fillDemo, tempDir, waitForSummary, zipListing } from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

/** Click a button that downloads, and save the file at `path`. */
async function download(page, click, path) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  mkdirSync(dirname(path), { recursive: true });
  await file.saveAs(path);
  return file.suggestedFilename();
}

test('a private client CA made here: offered by the finding, marked on the cards, bundled alike by the CLI', async (t) => {
  const p = await h.openPage(t, { viewport: { width: 1440, height: 900 } });
  await fillDemo(p.page);
  // A server-only certificate as the ALB's client certificate (as IBM's Let's Encrypt one is).
  const ex = example(t);
  await enter(p.page, 'alb_client_cert', ex.read('nlb.crt'));
  await enter(p.page, 'alb_client_key', ex.read('nlb.key'));
  const finding = p.page.locator('.finding[data-code="eku-client-auth-missing"]');
  await finding.waitFor();
  await p.page.locator('#create-private-ca-from-finding').click();
  await waitForSummary(p.page, /^0 errors, 0 warnings — ready to download/);
  assert.equal(await finding.count(), 0);

  for (const id of ['alb_client_cert', 'client_ca']) {
    const card = p.page.locator(`.cert-input:has(#${id}) .cert-card`).first();
    assert.match(await card.locator('.made-here').innerText(), /made here/);
  }
  for (const id of ['alb_client_key', 'client_ca_key']) {
    assert.match(
      await p.page.locator(`.cert-input:has(#${id}) .cert-input__made`).innerText(),
      /^Made here by “Create a private client CA” on \d{4}-\d\d-\d\dT[\d:]+Z\. The private keys never left this tab\./,
    );
  }
  assert.match(await p.page.locator('#alb_client_key').inputValue(), /^-----BEGIN PRIVATE KEY-----/);
  assert.match(await p.page.locator('#snackbar').innerText(), /Made a private client CA/);
  const subjects = await p.page.locator('.cert-input:has(#client_ca) .cert-card__subject').allInnerTexts();
  assert.match(subjects[0], /istio-alb client CA demo-cluster/);

  // The page's zip.
  const dir = tempDir(t);
  const pageZip = join(dir, 'page.zip');
  await download(p.page, () => p.page.locator('#download-zip').click(), pageZip);
  const at = /--at (\S+)/.exec(await p.page.locator('#cli-command').innerText())[1];

  // The generated set exported: the settings file and every certificate and key file it names.
  const exported = join(dir, 'exported');
  await download(p.page, () => p.page.locator('#export-settings').click(), join(exported, 'settings.yaml'));
  const settings = readFileSync(join(exported, 'settings.yaml'), 'utf8');
  const paths = [...settings.matchAll(/^\s+\w+: (\S+)$/gm)].map((m) => m[1]).filter((v) => v.includes('/'));
  assert.ok(paths.includes('private-ca/client-ca.key'), paths.join(' '));
  for (const path of paths) {
    await p.page.locator(`[data-path="${path}"]`).click();
    await download(p.page, () => p.page.locator('#download-file').click(), join(exported, path));
  }
  const cliZip = join(dir, 'cli.zip');
  execFileSync(CLI, ['bundle', join(exported, 'settings.yaml'), '--out', cliZip, '--at', at], { stdio: 'pipe' });
  assert.deepEqual(zipListing(pageZip), zipListing(cliZip), 'same files, modes and contents');
  assert.ok(readFileSync(pageZip).equals(readFileSync(cliZip)), 'byte-identical zip');
  assert.ok(Object.keys(zipListing(pageZip)).some((f) => f.endsWith('private-ca/client-ca.key')));
  await p.assertClean();
});

test('a key typed into a settings field is never stored or exported', async (t) => {
  const p = await h.openPage(t);
  const ex = example(t);
  const key = ex.read('nlb.key');
  const body = key.split('\n').find((l) => l.length > 40 && !l.startsWith('-----'));
  await enter(p.page, 'cluster_name', 'shop-prod');
  await enter(p.page, 'alb_secret', key);
  await enter(p.page, 'ingress_ip', body);
  const about = (id) => p.page.locator(`.finding[data-input="${id}"]`);
  await about('alb_secret').waitFor();
  for (const id of ['alb_secret', 'ingress_ip']) {
    const text = await about(id).innerText();
    assert.match(text, /holds what looks like a certificate or private key/);
    assert.ok(!text.includes(body.slice(0, 16)), `${id}: the key is not echoed`);
  }
  const stored = await p.page.evaluate(() => JSON.stringify({ ...localStorage }));
  assert.match(stored, /shop-prod/, 'the other settings are remembered');
  assert.ok(!stored.includes('BEGIN') && !stored.includes(body.slice(0, 16)), 'no key in localStorage');

  const dir = tempDir(t);
  await download(p.page, () => p.page.locator('#export-settings').click(), join(dir, 'settings.yaml'));
  const exported = readFileSync(join(dir, 'settings.yaml'), 'utf8');
  assert.match(exported, /cluster_name: shop-prod/);
  assert.ok(!exported.includes('BEGIN') && !exported.includes(body.slice(0, 16)), 'no key in the export');
  await p.assertClean();
});
