#!/usr/bin/env node
// Page benchmark (not a test: it prints figures and asserts nothing).
//   node tools/bench-page.mjs [--runs N]        (after trunk build --release)
// Prints, in headless Chromium against dist/:
//   - navigation -> app started (TrunkApplicationStarted: wasm decoded, compiled, mounted)
//   - paste -> updated findings: a certificate pasted into a filled page, until the findings
//     summary shows the new state (the whole check and every generated file are recomputed),
//     for the demo set (ECDSA P-256) and for an RSA set made here with openssl (RSA-4096 root,
//     RSA-2048 intermediate, RSA-2048 gateway leaf, P-256 client leaf): issue 3's browser figure
//   - building the zip (the click handler: zip + blob), as the user's download button does it
//   - the transfer size of the page (html + js + css, gzip -9 of the files in dist/; the wasm
//     travels inside boot-*.js)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startHarness, DIST } from '../tests/browser/harness.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

// node:test's TestContext is only used for cleanup callbacks; collect and run them ourselves.
function context() {
  const cleanups = [];
  return { after: (fn) => cleanups.push(fn), cleanup: () => Promise.all(cleanups.map((f) => f())) };
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(1)} ms (min ${s[0].toFixed(1)}, max ${s.at(-1).toFixed(1)}, n=${s.length})`;
};

/** RSA-4096 root → RSA-2048 intermediate → RSA-2048 gateway leaf; P-256 client leaf. */
function rsaSet(host) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-pki-'));
  const ossl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ext = (name, body) => writeFileSync(join(dir, name), body);
  ext('ca.ext', 'basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n');
  ext('int.ext', 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n');
  ext('gw.ext', `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${host}\nauthorityKeyIdentifier=keyid\n`);
  ext('cl.ext', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=DNS:alb.bench.example\nauthorityKeyIdentifier=keyid\n');
  ossl('req', '-x509', '-newkey', 'rsa:4096', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Bench Root CA', '-days', '3650', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const issue = (name, keyArgs, issuer, extFile, subj) => {
    ossl('req', '-new', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    ossl('x509', '-req', '-in', `${name}.csr`, '-CA', `${issuer}.pem`, '-CAkey', `${issuer}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '825', '-sha256', '-extfile', extFile);
  };
  issue('int', ['-newkey', 'rsa:2048'], 'ca', 'int.ext', '/CN=Bench Intermediate CA');
  issue('gw', ['-newkey', 'rsa:2048'], 'int', 'gw.ext', `/CN=${host}`);
  issue('cl', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'int', 'cl.ext', '/CN=alb.bench.example');
  const read = (f) => readFileSync(join(dir, f), 'utf8');
  const set = {
    nlb_cert: read('gw.pem') + read('int.pem'),
    nlb_key: read('gw.key'),
    alb_client_cert: read('cl.pem') + read('int.pem'),
    alb_client_key: read('cl.key'),
    client_ca: read('ca.pem'),
    gateway_ca: read('ca.pem'),
  };
  rmSync(dir, { recursive: true, force: true });
  return set;
}

/** Fill inputs by id the way a paste does (value + input event), all at once. */
async function fill(page, values) {
  await page.evaluate((values) => {
    for (const [id, text] of Object.entries(values)) {
      const el = document.getElementById(id);
      el.value = text;
      el.dispatchEvent(new Event('input', { bubbles: true }));
    }
  }, values);
}

/** Time from a paste into #id until the findings summary matches `expect` (a regex source). */
async function timePaste(page, id, text, expect) {
  return page.evaluate(
    ({ id, text, expect }) =>
      new Promise((resolve, reject) => {
        const summary = document.getElementById('findings-summary');
        const re = new RegExp(expect);
        const t0 = performance.now();
        const done = () => {
          if (re.test(summary.textContent)) {
            observer.disconnect();
            resolve(performance.now() - t0);
            return true;
          }
          return false;
        };
        const observer = new MutationObserver(done);
        observer.observe(summary, { childList: true, characterData: true, subtree: true });
        const el = document.getElementById(id);
        el.value = text;
        el.dispatchEvent(new Event('input', { bubbles: true }));
        if (!done()) setTimeout(() => reject(new Error(`summary never matched ${expect}: ${summary.textContent}`)), 10_000);
      }),
    { id, text, expect },
  );
}

const h = await startHarness();
try {
  const started = [];
  const pasteDemo = [];
  const pasteRsa = [];
  const zip = [];
  const host = 'gw.bench.example';
  const rsa = rsaSet(host);
  for (let i = 0; i < runs; i++) {
    const t = context();
    const p = await h.openPage(t);
    started.push(await p.page.evaluate(() => window.__appStartedAt));

    // Demo set: a broken paste (1 error) then the good one back (0 errors), timed each way.
    await p.page.getByRole('button', { name: 'Try it with demo data' }).click();
    await p.page.waitForFunction(() => /^0 errors/.test(document.getElementById('findings-summary').textContent));
    const good = await p.page.locator('#nlb_cert').inputValue();
    const broken = good.replace(/(-----BEGIN CERTIFICATE-----\n)(.{8})/, '$1!!!!!!!!');
    pasteDemo.push(await timePaste(p.page, 'nlb_cert', broken, '^[1-9]\\d* errors?'));
    pasteDemo.push(await timePaste(p.page, 'nlb_cert', good, '^0 errors'));

    // Zip: the download button's click handler builds the zip and hands it to the browser.
    const [download, ms] = await Promise.all([
      p.page.waitForEvent('download'),
      p.page.evaluate(() => {
        const t0 = performance.now();
        document.getElementById('download-zip').click();
        return performance.now() - t0;
      }),
    ]);
    await download.delete();
    zip.push(ms);

    // RSA set: everything replaced, then the gateway certificate pasted again.
    await p.page.locator('#nlb_domain').fill(host);
    await fill(p.page, rsa);
    await p.page.waitForFunction(() => /^0 errors/.test(document.getElementById('findings-summary').textContent), null, { timeout: 10_000 })
      .catch(async () => { throw new Error(`RSA set not clean: ${await p.page.locator('#findings').innerText()}`); });
    const rsaBroken = rsa.nlb_cert.replace(/(-----BEGIN CERTIFICATE-----\n)(.{8})/, '$1!!!!!!!!');
    pasteRsa.push(await timePaste(p.page, 'nlb_cert', rsaBroken, '^[1-9]\\d* errors?'));
    pasteRsa.push(await timePaste(p.page, 'nlb_cert', rsa.nlb_cert, '^0 errors'));

    await p.assertClean();
    await t.cleanup();
  }
  console.log(`navigation -> app started:            ${stats(started)}`);
  console.log(`paste -> updated findings (demo set):  ${stats(pasteDemo)}  (goal < 50 ms)`);
  console.log(`paste -> updated findings (RSA set):   ${stats(pasteRsa)}  (issue 3 goal: check < 20 ms)`);
  console.log(`build the zip (click handler):         ${stats(zip)}`);

  let raw = 0;
  let gz = 0;
  for (const f of readdirSync(DIST)) {
    if (!/\.(html|js|css)$/.test(f)) continue;
    const data = readFileSync(join(DIST, f));
    raw += data.length;
    gz += gzipSync(data, { level: 9 }).length;
  }
  console.log(`page transfer size: ${(raw / 1024).toFixed(1)} KiB raw, ${(gz / 1024).toFixed(1)} KiB gzip (goal < 600 KB gzip)`);
} finally {
  await h.close();
}
