// Issue 11 on the page: the ALB, infrastructure and secret-mode choices. An invalid combination is
// refused on the field to change; a valid one downloads the CLI's zip byte for byte.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ROOT, startHarness } from './harness.mjs';

const CLI = join(ROOT, 'target/debug/istio-alb');
const LB_HOST = '1a2b3c4d-us-south.lb.example.com';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'istio-alb-choices-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const errorsOf = (page, field) => page.locator(`#${field}-error .field__error`);

test('Traefik with the classic profile is refused on the ALB choice; Traefik + VPC + IBM-renewed downloads the CLI zip', async (t) => {
  const p = await h.openPage(t, { viewport: { width: 1440, height: 900 } });
  await p.page.getByRole('button', { name: 'Try it with demo data' }).click();
  await p.page.waitForFunction(() => /^0 errors/.test(document.querySelector('#findings-summary')?.textContent.trim()));

  // Traefik needs the current profile: the error sits on the ALB choice, the download is blocked.
  await p.page.locator('#alb-traefik').check();
  await p.page.locator('#profile-classic').check();
  await errorsOf(p.page, 'alb').first().waitFor({ state: 'visible' });
  assert.match(await errorsOf(p.page, 'alb').first().innerText(), /traefik needs the current profile/i);
  assert.equal(await p.page.locator('#download-zip').getAttribute('aria-disabled'), 'true');
  await p.page.locator('#profile-current').check();
  await p.page.waitForFunction(() => !document.querySelector('#alb-error .field__error'));

  // VPC: the load balancer's host name replaces the IP, which is kept but hidden.
  assert.ok(await p.page.locator('#ingress_ip').isVisible());
  assert.ok(!(await p.page.locator('#lb_host').isVisible()));
  await p.page.locator('#infrastructure-vpc').check();
  assert.ok(!(await p.page.locator('#ingress_ip').isVisible()));
  await p.page.locator('#lb_host').waitFor({ state: 'visible' });
  // Still empty, it is a to-do: no download yet.
  assert.equal(await p.page.locator('#download-zip').getAttribute('aria-disabled'), 'true');
  await p.page.locator('#lb_host').fill(LB_HOST);
  // IBM keeps and renews the NLB secret in the gateway namespace.
  await p.page.locator('#nlb_secret_namespace').fill('istio-system');
  await p.page.waitForFunction(() => /^0 errors/.test(document.querySelector('#findings-summary')?.textContent.trim()));

  const [download] = await Promise.all([
    p.page.waitForEvent('download'),
    p.page.getByRole('button', { name: /^Download .*\.zip$/ }).click(),
  ]);
  const dir = tempDir(t);
  const pageZip = join(dir, 'page.zip');
  await download.saveAs(pageZip);
  const at = /--at (\S+)/.exec(await p.page.locator('#cli-command').innerText())[1];

  // The same choices in the CLI's settings file.
  const ex = join(dir, 'example');
  execFileSync(CLI, ['example', ex], { stdio: 'pipe' });
  const settings = join(ex, 'settings.yaml');
  const edits = {
    alb: 'traefik',
    infrastructure: 'vpc',
    lb_host: LB_HOST,
    nlb_secret_namespace: 'istio-system',
  };
  let text = readFileSync(settings, 'utf8');
  for (const [key, value] of Object.entries(edits)) {
    const line = new RegExp(`^${key}:.*$`, 'm');
    assert.match(text, line, key);
    text = text.replace(line, `${key}: ${value}`);
  }
  writeFileSync(settings, text);
  const cliZip = join(dir, 'cli.zip');
  execFileSync(CLI, ['bundle', settings, '--out', cliZip, '--at', at], { stdio: 'pipe' });
  const listing = (file) => execFileSync('python3', ['-c', 'import hashlib, json, sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(json.dumps({i.filename: hashlib.sha256(z.read(i)).hexdigest() for i in z.infolist()}))', file], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(listing(pageZip)), JSON.parse(listing(cliZip)), 'same files');
  assert.ok(readFileSync(pageZip).equals(readFileSync(cliZip)), 'byte-identical zip');

  const names = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', pageZip], { encoding: 'utf8' });
  assert.match(names, /manifests\/07-servers-transport\.yaml/);
  assert.match(names, /secrets\/demo-cluster-0001-cacert\.yaml/);
  assert.doesNotMatch(names, /certs\/nlb\.key/, 'no copy of the NLB key when IBM keeps it');
  await p.assertClean();
});

// Issue 23: the gateway configuration. The Gateway API with the classic profile is refused on the
// choice itself; with the current profile the page's zip is the CLI's, with the Gateway API's
// objects instead of Istio's Gateway and VirtualService. The guide shows the version commands.
test('The Gateway API is refused with classic, shows its version commands, and downloads the CLI zip', async (t) => {
  const p = await h.openPage(t, { viewport: { width: 1440, height: 900 } });
  await p.page.getByRole('button', { name: 'Try it with demo data' }).click();
  await p.page.waitForFunction(() => /^0 errors/.test(document.querySelector('#findings-summary')?.textContent.trim()));

  await p.page.locator('#gateway_config-gateway-api').check();
  await p.page.locator('#profile-classic').check();
  await errorsOf(p.page, 'gateway_config').first().waitFor({ state: 'visible' });
  assert.match(await errorsOf(p.page, 'gateway_config').first().innerText(), /gateway api needs the current profile/i);
  assert.equal(await p.page.locator('#download-zip').getAttribute('aria-disabled'), 'true');
  await p.page.locator('#profile-current').check();
  await p.page.waitForFunction(() => !document.querySelector('#gateway_config-error .field__error'));
  await p.page.waitForFunction(() => /^0 errors/.test(document.querySelector('#findings-summary')?.textContent.trim()));

  await p.page.locator('#gateway_config-guide summary').click();
  const guide = await p.page.locator('#gateway_config-guide').innerText();
  assert.match(guide, /gateways\.gateway\.networking\.k8s\.io/);
  assert.match(guide, /bundle-version/);
  assert.match(guide, /istiod/);

  const [download] = await Promise.all([
    p.page.waitForEvent('download'),
    p.page.getByRole('button', { name: /^Download .*\.zip$/ }).click(),
  ]);
  const dir = tempDir(t);
  const pageZip = join(dir, 'page.zip');
  await download.saveAs(pageZip);
  const at = /--at (\S+)/.exec(await p.page.locator('#cli-command').innerText())[1];

  const ex = join(dir, 'example');
  execFileSync(CLI, ['example', ex], { stdio: 'pipe' });
  const settings = join(ex, 'settings.yaml');
  const text = readFileSync(settings, 'utf8');
  assert.match(text, /^gateway_config: istio$/m);
  writeFileSync(settings, text.replace(/^gateway_config: istio$/m, 'gateway_config: gateway-api'));
  const cliZip = join(dir, 'cli.zip');
  execFileSync(CLI, ['bundle', settings, '--out', cliZip, '--at', at], { stdio: 'pipe' });
  assert.ok(readFileSync(pageZip).equals(readFileSync(cliZip)), 'byte-identical zip');

  const names = execFileSync('python3', ['-c', 'import sys, zipfile; print("\\n".join(zipfile.ZipFile(sys.argv[1]).namelist()))', pageZip], { encoding: 'utf8' });
  assert.match(names, /manifests\/05-gateway-client-ca\.yaml/);
  assert.match(names, /manifests\/06-http-route\.yaml/);
  assert.doesNotMatch(names, /manifests\/06-virtual-service\.yaml/);
  await p.assertClean();
});
