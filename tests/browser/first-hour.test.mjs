// Issue 13, the first hour of a newcomer: guidance on getting each input, findings on the field
// that causes them, undo, validation once a value is entered, import that never echoes a file,
// copy feedback, a focus ring that is not the error colour, keyboard-friendly file list.
// Every test ends with p.assertClean(): no foreign request, console error or CSP violation.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startHarness } from './harness.mjs';
import {
  allowClipboard, enter, example, fillDemo, otherCa, paste, summary, tempDir, waitForSummary,
} from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

const b64 = (s) => Buffer.from(s).toString('base64');

test('guidance: a kubectl get secret -o yaml paste is taken apart, and the VPC command is shown', async (t) => {
  const p = await h.openPage(t);
  await allowClipboard(p);
  const ex = example(t);

  // The NLB domain's "Where do I get this?" shows the command of the infrastructure chosen
  // (issue 27: a guide follows every choice).
  const guide = p.page.locator('#nlb_domain-guide');
  assert.equal(await guide.locator('.guide__steps').isVisible(), false, 'closed until asked for');
  await guide.locator('summary').click();
  const text = await guide.innerText();
  assert.match(text, /ibmcloud ks nlb-dns create classic --cluster <cluster> --ip/);
  assert.doesNotMatch(text, /vpc-gen2/);
  await p.page.locator('#infrastructure-vpc').check();
  assert.match(await guide.innerText(), /ibmcloud ks nlb-dns create vpc-gen2 --cluster <cluster> --lb-host <lb-host>/);
  assert.doesNotMatch(await guide.innerText(), /create classic/);
  // The commands take the values already typed.
  await enter(p.page, 'cluster_name', 'prod-eu');
  await enter(p.page, 'lb_host', '1234abcd-eu-de.lb.appdomain.cloud');
  assert.match(await guide.innerText(), /nlb-dns create vpc-gen2 --cluster prod-eu --lb-host 1234abcd-eu-de\.lb\.appdomain\.cloud /);

  // The whole `kubectl get secret … -o yaml` output, pasted into both gateway fields.
  const secret = [
    'apiVersion: v1',
    'data:',
    `  tls.crt: ${b64(ex.read('nlb.crt'))}`,
    `  tls.key: ${b64(ex.read('nlb.key'))}`,
    'kind: Secret',
    'metadata:',
    '  creationTimestamp: "2026-11-01T10:00:00Z"',
    '  name: demo-cluster-0001',
    '  namespace: default',
    'type: kubernetes.io/tls',
    '',
  ].join('\n');
  await paste(p.page, 'nlb_cert', secret);
  await paste(p.page, 'nlb_key', secret);
  const status = (id) => p.page.locator(`.cert-input:has(#${id}) .cert-input__status`).innerText();
  assert.match(await status('nlb_cert'), /Kubernetes Secret \("demo-cluster-0001"\).*tls\.crt was taken out/);
  assert.match(await status('nlb_key'), /tls\.key was taken out/);
  const subjects = await p.page.locator('.cert-input:has(#nlb_cert) .cert-card__subject').allInnerTexts();
  assert.equal(subjects.length, 2, 'the gateway certificate and its intermediate');
  assert.match(subjects[0], /DEMO ONLY gateway/);
  for (const id of ['nlb_cert', 'nlb_key']) {
    assert.equal(await p.page.locator(`.finding[data-input="${id}"]`).count(), 0, `no finding on ${id}`);
  }
  // The key's pasted text is the user's; the bundle holds the decoded key, not the YAML.
  await p.page.locator('[data-path="certs/nlb.crt"]').click();
  assert.match(await p.page.locator('#file-contents').innerText(), /^-----BEGIN CERTIFICATE-----/);
  await p.assertClean();
});

test('a wrong domain is reported on the domain field, listing the certificate’s names', async (t) => {
  const p = await h.openPage(t);
  await fillDemo(p.page);
  await enter(p.page, 'nlb_domain', 'demo-cluster-0002.us-south.containers.example.com');
  const finding = p.page.locator('.finding[data-code="name-mismatch"]');
  await finding.waitFor();
  assert.equal(await finding.count(), 1, 'one cause, one finding');
  assert.equal(await finding.getAttribute('data-input'), 'nlb_domain');
  assert.match(await finding.innerText(), /demo-cluster-0001\.us-south\.containers\.example\.com/, 'the names it covers');
  assert.match(await p.page.locator('#nlb_domain-error').innerText(), /is not a name of the certificate/);
  assert.equal(await p.page.locator('.finding[data-input="nlb_cert"]').count(), 0, 'the certificate is not blamed');

  // A URL typed instead of a host name: one finding, on the field, none on the certificate.
  await enter(p.page, 'nlb_domain', 'https://demo-cluster-0001.us-south.containers.example.com/');
  await p.page.locator('.finding[data-input="nlb_domain"][data-code="input-invalid"]').waitFor();
  assert.equal(await p.page.locator('.finding').count(), 1, await p.page.locator('#findings').innerText());
  await p.assertClean();
});

test('a CA that did not issue the chain is reported on the CA field and drawn as not used', async (t) => {
  const p = await h.openPage(t);
  await fillDemo(p.page);
  const other = otherCa(t);
  await enter(p.page, 'client_ca', other.pem);
  const finding = p.page.locator('.finding[data-input="client_ca"][data-code="chain-incomplete"]');
  await finding.waitFor();
  const message = await finding.innerText();
  assert.match(message, /they need "CN=DEMO ONLY istio-alb Root CA/, "names the CA the chain needs");
  assert.match(message, /holds only "Some Other Root CA"/);
  assert.equal(
    await p.page.locator('.finding[data-input="alb_client_cert"]').count(),
    0,
    'the complete ALB client chain is not blamed',
  );
  // The chain picture draws the CA that was given, and why it was not used.
  const unused = p.page.locator('#chain-alb .chain__unused');
  assert.match(await unused.innerText(), /Some Other Root CA[\s\S]*did not issue this chain/);
  // Each box opens to its details, by keyboard too.
  const box = p.page.locator('#chain-alb .chain__summary').first();
  await box.focus();
  await p.page.keyboard.press('Enter');
  assert.match(await p.page.locator('#chain-alb .chain__details').first().innerText(), /Issued by/);
  await p.assertClean();
});

test('undo after Clear all and after the demo data; demo values are never remembered', async (t) => {
  const p = await h.openPage(t);
  await enter(p.page, 'cluster_name', 'my-own-cluster');
  await fillDemo(p.page);
  assert.equal(await p.page.locator('#cluster_name').inputValue(), 'demo-cluster');
  assert.match(await p.page.locator('#snackbar').innerText(), /Filled in the demo set/);
  const stored = await p.page.evaluate(() => localStorage.getItem('istio-alb.settings.v1'));
  assert.doesNotMatch(stored, /demo-cluster/, 'demo values are not remembered');
  assert.match(stored, /"deploy_sample":false/, "the demo's httpbin sample is not remembered as the user's choice");
  assert.match(stored, /my-own-cluster/, 'what was typed before stays remembered');

  await p.page.locator('#undo').click();
  assert.equal(await p.page.locator('#cluster_name').inputValue(), 'my-own-cluster');
  assert.equal(await p.page.locator('#demo-banner').count(), 0);

  await fillDemo(p.page);
  await p.page.getByRole('button', { name: 'Clear all' }).click();
  assert.equal(await p.page.locator('#cluster_name').inputValue(), '');
  assert.equal(await p.page.locator('#nlb_key').inputValue(), '');
  assert.match(await p.page.locator('#snackbar').innerText(), /Cleared every field/);
  await p.page.locator('#undo').click();
  await p.page.locator('#demo-banner').waitFor();
  assert.equal(await p.page.locator('#cluster_name').inputValue(), 'demo-cluster');
  assert.match(await p.page.locator('#nlb_key').inputValue(), /BEGIN/, 'keys come back from memory');
  await waitForSummary(p.page, /^0 errors/);

  // After a reload the demo values are gone, and so is the banner: nothing shows them unmarked.
  await p.page.reload();
  await p.page.waitForFunction(() => window.__appStarted === true);
  assert.equal(await p.page.locator('#cluster_name').inputValue(), 'my-own-cluster');
  assert.equal(await p.page.locator('#nlb_domain').inputValue(), '');
  assert.equal(await p.page.locator('#demo-banner').count(), 0);
  await p.assertClean();
});

test('no error before the value is entered: typing is judged on leaving the field', async (t) => {
  const p = await h.openPage(t);
  assert.match(await summary(p.page), /^Nothing checked yet: \d+ inputs to fill in/);
  assert.match(await p.page.locator('#header-status').innerText(), /^Nothing checked yet/);
  await p.page.locator('#ingress_ip').click();
  await p.page.keyboard.type('1');
  // Still typing: no error anywhere, and the counts have not moved.
  assert.equal(await p.page.locator('#ingress_ip-error .field__error').count(), 0);
  assert.equal(await p.page.locator('#ingress_ip').getAttribute('aria-invalid'), 'false');
  assert.match(await summary(p.page), /^Nothing checked yet/);
  await p.page.keyboard.press('Tab');
  await p.page.locator('#ingress_ip-error .field__error').waitFor();
  assert.match(await p.page.locator('#ingress_ip-error').innerText(), /^Ingress gateway IP "1" is not an IPv4 or IPv6 address\./);
  assert.match(await summary(p.page), /^1 error/);
  assert.match(await p.page.locator('#header-status').innerText(), /^1 error/);
  // Every count agrees: the README preview counts the same error and the same empty inputs.
  const pending = Number(/(\d+) inputs still empty/.exec(await summary(p.page))[1]);
  await p.page.locator('[data-path="README.md"]').click();
  const readme = await p.page.locator('#file-contents').innerText();
  assert.match(readme, new RegExp(`\\*\\*1 error, 0 warnings\\*\\*, and ${pending} inputs not given yet`));
  // A port typed with a letter is reported as typed.
  await enter(p.page, 'app_port', '80a');
  assert.match(await p.page.locator('#app_port-error').innerText(), /^App port "80a" is not a number\./);
  // No name is built from an empty value.
  assert.equal(await p.page.locator('#download-zip').innerText(), 'Download the zip');
  await p.assertClean();
});

test('an imported key file never appears on the page; path settings say which files to drop', async (t) => {
  const p = await h.openPage(t);
  const ex = example(t);
  const dir = tempDir(t);
  const keyFile = join(dir, 'settings.yaml');
  const key = ex.read('nlb.key');
  writeFileSync(keyFile, key);
  await p.page.locator('input[type=file][accept*=yaml]').setInputFiles(keyFile);
  const status = p.page.locator('#download-status');
  await p.page.waitForFunction(() => document.getElementById('download-status').textContent.length > 0);
  assert.match(await status.innerText(), /^settings\.yaml could not be imported: .*not a settings file/);
  const html = await p.page.content();
  for (const line of key.split('\n').filter((l) => l.length > 20 && !l.startsWith('-----'))) {
    assert.ok(!html.includes(line.slice(0, 20)), 'no line of the key is on the page');
  }

  // The settings file of `istio-alb example` names its certificates by path.
  await p.page.locator('input[type=file][accept*=yaml]').setInputFiles(join(ex.dir, 'settings.yaml'));
  await p.page.waitForFunction(() => /Imported the settings/.test(document.getElementById('download-status').textContent));
  const said = await status.innerText();
  assert.match(said, /cannot open: drop or paste nlb\.crt into “Gateway \(NLB\) certificate”/);
  assert.match(await p.page.locator('.cert-input:has(#nlb_key) .cert-input__wanted').innerText(), /nlb\.key/);
  assert.equal(await p.page.locator('#cluster_name').inputValue(), 'demo-cluster');
  await p.assertClean();
});

test('copy says so, on screen', async (t) => {
  const p = await h.openPage(t);
  await allowClipboard(p);
  await fillDemo(p.page);
  await p.page.locator('[data-path="scripts/install.sh"]').click();
  const button = p.page.locator('#copy-file');
  assert.equal(await button.innerText(), 'Copy');
  await button.click();
  await p.page.waitForFunction(() => document.getElementById('copy-file').textContent === 'Copied ✓');
  assert.ok(await p.page.locator('.files__bar .copy__status').isVisible());
  const copied = await p.page.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, await p.page.locator('#file-contents').innerText());
  await p.assertClean();
});

test('focus is drawn in its own colour, not the error red, in both schemes', async (t) => {
  for (const colorScheme of ['light', 'dark']) {
    const p = await h.openPage(t, { colorScheme });
    await enter(p.page, 'ingress_ip', 'x');
    await p.page.locator('#ingress_ip-error .field__error').waitFor();
    await p.page.locator('#ingress_ip').focus();
    const style = await p.page.evaluate(() => {
      const focused = getComputedStyle(document.activeElement);
      const error = getComputedStyle(document.querySelector('.field__error'));
      return { outline: focused.outlineColor, width: focused.outlineWidth, kind: focused.outlineStyle, error: error.color };
    });
    const rgb = (c) => c.match(/\d+/g).slice(0, 3).map(Number);
    const distance = Math.hypot(...rgb(style.outline).map((v, i) => v - rgb(style.error)[i]));
    assert.equal(style.kind, 'solid', colorScheme);
    assert.ok(parseFloat(style.width) >= 2, `${colorScheme}: a ring of at least 2 px (${style.width})`);
    assert.ok(distance > 120, `${colorScheme}: focus ${style.outline} is far from the error colour ${style.error}`);
    await p.assertClean();
  }
});

test('a binary file dropped on a key field is an error finding', async (t) => {
  const p = await h.openPage(t);
  await fillDemo(p.page);
  await p.page.evaluate(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array([0x30, 0x82, 0x01, 0x00, 0xff, 0x00])], 'key.p12'));
    document.getElementById('nlb_key').dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
    );
  });
  const finding = p.page.locator('.finding[data-input="nlb_key"][data-code="pem-malformed"]');
  await finding.waitFor();
  assert.match(await finding.innerText(), /The file key\.p12 is binary/);
  assert.match(await p.page.locator('#header-status').innerText(), /^1 error/);
  assert.match(await p.page.locator('#nlb_key').inputValue(), /BEGIN/, 'the field keeps its key');
  await p.assertClean();
});

// Issue 25: a refusal is kept beside the text it came with, by the same drop and by Undo.
test('one drop of a usable file and a refused one keeps both; Undo brings a refusal back', async (t) => {
  const p = await h.openPage(t);
  await allowClipboard(p);
  const ex = example(t);
  const drop = (files) => p.page.evaluate((files) => {
    const transfer = new DataTransfer();
    for (const [name, data] of files) transfer.items.add(new File([typeof data === 'string' ? data : new Uint8Array(data)], name));
    document.getElementById('gateway_ca').dispatchEvent(
      new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }),
    );
  }, files);
  const binary = ['bundle.p12', [0x30, 0x82, 0x01, 0x00, 0xff, 0x00]];
  const refused = p.page.locator('.finding[data-input="gateway_ca"][data-code="pem-malformed"]');
  const field = p.page.locator('#gateway_ca');

  await drop([['ca.pem', ex.read('ca.pem')], binary]);
  await p.page.waitForFunction(() => document.getElementById('gateway_ca').value.includes('BEGIN CERTIFICATE'));
  assert.equal(await field.inputValue(), ex.read('ca.pem'), 'the usable file is the text');
  assert.match(await p.page.locator('.cert-input:has(#gateway_ca) .cert-input__status').innerText(), /Loaded 1 file/);
  await refused.waitFor();
  assert.match(await refused.innerText(), /The file bundle\.p12 is binary/);
  // The input's own next text forgets it.
  await field.fill('');
  await field.blur();
  await refused.waitFor({ state: 'detached' });

  // A refused file alone beside a text; Clear all forgets both, and its Undo gives back the
  // text and the refusal beside it.
  await paste(p.page, 'gateway_ca', ex.read('ca.pem'));
  await drop([binary]);
  await refused.waitFor();
  await p.page.locator('#clear-all').click();
  await refused.waitFor({ state: 'detached' });
  assert.equal(await field.inputValue(), '');
  await p.page.locator('#undo').click();
  await p.page.waitForFunction(() => document.getElementById('gateway_ca').value.includes('BEGIN CERTIFICATE'));
  await refused.waitFor();
  assert.match(await refused.innerText(), /The file bundle\.p12 is binary/);
  await p.assertClean();
});

test('the file list is one Tab stop, and arrow keys move through it', async (t) => {
  const p = await h.openPage(t);
  await fillDemo(p.page);
  const options = p.page.locator('#file-tree [role="option"]');
  const count = await options.count();
  assert.ok(count > 10, `${count} files`);
  const tabbable = await p.page.locator('#file-tree [role="option"][tabindex="0"]').count();
  assert.equal(tabbable, 1, 'one option in the Tab order');
  await options.first().focus();
  await p.page.keyboard.press('ArrowDown');
  assert.equal(await options.nth(1).getAttribute('aria-selected'), 'true');
  assert.equal(await p.page.evaluate(() => document.activeElement.getAttribute('data-path')), await options.nth(1).getAttribute('data-path'));
  await p.page.keyboard.press('End');
  assert.equal(await options.nth(count - 1).getAttribute('aria-selected'), 'true');
  assert.equal(await p.page.locator('#file-current').innerText(), await options.nth(count - 1).getAttribute('data-path'));
  await p.page.keyboard.press('Tab');
  assert.equal(await p.page.evaluate(() => document.activeElement.id), 'copy-file', 'one Tab leaves the list');
  await p.assertClean();
});

test('at 1024 px a compact check summary stays in view while the certificates are edited', async (t) => {
  const p = await h.openPage(t, { viewport: { width: 1024, height: 768 } });
  await fillDemo(p.page);
  await p.page.locator('#gateway_ca').scrollIntoViewIfNeeded();
  await p.page.locator('#gateway_ca').focus();
  const bar = await p.page.locator('#check-bar').boundingBox();
  assert.ok(bar, 'the bar is shown');
  assert.ok(bar.y >= 0 && bar.y + bar.height <= 768, `in view (${JSON.stringify(bar)})`);
  assert.match(await p.page.locator('#check-bar').innerText(), /0 errors, 0 warnings — ready to download/);
  const aside = await p.page.locator('#step-check').boundingBox();
  assert.ok(aside.y > 768 || aside.y + aside.height < 0, 'the Check step itself is out of view here');
  await p.assertClean();
});
