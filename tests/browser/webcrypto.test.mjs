// Issue 26: the page's first module checks signatures and keys with the browser's WebCrypto, the
// command line with RustCrypto. For gateway chains of every key type the page accepts (made here
// by openssl, not by our code), each key encoding, RSA-PSS, and a CA of the right name but another
// key, the findings the page shows must be the CLI's, code for code and input for input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startHarness } from './harness.mjs';
import { CLI, example, fillDemo, tempDir } from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

/**
 * A CA and a gateway leaf for `domain`, by openssl, in `dir`: `kind` picks the keys and the
 * signature (pkcs1: RSA-PSS with the leaf key as PKCS#1; sec1: P-256 with the leaf key as SEC1).
 * Writes ca.pem, leaf.pem, leaf.key and impostor.pem: a CA of the same name, another key.
 */
function makeChain(dir, kind, domain) {
  const script = `
set -eu
cd "$1"; kind=$2; domain=$3
case "$kind" in
  p384) key=(-newkey ec -pkeyopt ec_paramgen_curve:P-384); sig=(-sha384) ;;
  ed25519) key=(-newkey ed25519); sig=() ;;
  rsa-pss | pkcs1) key=(-newkey rsa:2048); sig=(-sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:digest) ;;
  *) key=(-newkey ec -pkeyopt ec_paramgen_curve:P-256); sig=(-sha256) ;;
esac
ca() { openssl req -x509 "\${key[@]}" "\${sig[@]}" -nodes -keyout "$1.key" -out "$1.pem" -days 30 \\
  -subj "/CN=WebCrypto Test CA" -addext "basicConstraints=critical,CA:TRUE" \\
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null; }
ca ca
ca impostor
openssl req -new "\${key[@]}" -nodes -keyout leaf.key -out leaf.csr -subj "/CN=$domain" 2>/dev/null
printf 'subjectAltName=DNS:%s\\nextendedKeyUsage=serverAuth\\nbasicConstraints=CA:FALSE\\nkeyUsage=critical,digitalSignature\\n' \\
  "$domain" > leaf.ext
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key "\${sig[@]}" -days 20 -extfile leaf.ext \\
  -out leaf.pem 2>/dev/null
if [ "$kind" = sec1 ] || [ "$kind" = pkcs1 ]; then
  openssl pkey -in leaf.key -traditional -out traditional.key && mv traditional.key leaf.key
fi
`;
  execFileSync('bash', ['-c', script, 'make-chain', dir, kind, domain], { stdio: 'pipe' });
}

/** `code@input` of every finding, sorted. */
function keyed(findings) {
  return findings.map((f) => `${f.code}@${f.input ?? ''}`).sort();
}

/** The CLI's findings for the demo settings with the gateway's certificate, key and CA replaced. */
function cliFindings(ex, dir) {
  for (const [from, to] of [['leaf.pem', 'nlb.crt'], ['leaf.key', 'nlb.key'], ['gw-ca.pem', 'gw-ca.pem']]) {
    writeFileSync(join(ex.dir, to), readFileSync(join(dir, from)));
  }
  const settings = ex.read('settings.yaml').replace(/^ {2}gateway_ca: .*$/m, '  gateway_ca: gw-ca.pem');
  writeFileSync(join(ex.dir, 'settings.yaml'), settings);
  let out;
  try {
    out = execFileSync(CLI, ['check', join(ex.dir, 'settings.yaml'), '--format', 'json'], { encoding: 'utf8' });
  } catch (e) {
    out = e.stdout; // exit 1: findings with errors
  }
  return keyed(JSON.parse(out).findings);
}

async function pageFindings(page) {
  return keyed(
    await page.$$eval('.finding[data-code]', (els) =>
      els.map((e) => ({ code: e.getAttribute('data-code'), input: e.getAttribute('data-input') })),
    ),
  );
}

test('WebCrypto in the page and RustCrypto in the CLI reach the same findings, for every key type', async (t) => {
  const ex = example(t);
  const domain = /^nlb_domain: (.*)$/m.exec(ex.read('settings.yaml'))[1].trim();
  const kinds = ['p256', 'p384', 'ed25519', 'rsa-pss', 'sec1', 'pkcs1', 'impostor'];
  // Made before the page opens: its clock is read at start, and a certificate made after it
  // would not be valid yet there.
  const dirs = kinds.map((kind) => {
    const dir = tempDir(t);
    makeChain(dir, kind === 'impostor' ? 'p256' : kind, domain);
    const ca = readFileSync(join(dir, kind === 'impostor' ? 'impostor.pem' : 'ca.pem'), 'utf8');
    writeFileSync(join(dir, 'gw-ca.pem'), ca);
    return dir;
  });
  const p = await h.openPage(t);
  await fillDemo(p.page);
  for (const [i, kind] of kinds.entries()) {
    const dir = dirs[i];
    const want = cliFindings(ex, dir);
    const errors = want.filter((k) => /^(chain-|key-mismatch|signature)/.test(k));
    if (kind === 'impostor') {
      assert.ok(errors.length > 0, `the CLI refuses a CA of the right name and another key: ${want}`);
    } else {
      assert.deepEqual(errors, [], `the CLI accepts the ${kind} chain and key: ${want}`);
    }
    for (const [id, file] of [['nlb_cert', 'leaf.pem'], ['nlb_key', 'leaf.key'], ['gateway_ca', 'gw-ca.pem']]) {
      await p.page.locator(`#${id}`).fill(readFileSync(join(dir, file), 'utf8'));
      await p.page.keyboard.press('Tab');
    }
    // The page answers asynchronously: wait until it shows the CLI's findings (or say what it shows).
    let got;
    const deadline = Date.now() + 10_000;
    do {
      got = await pageFindings(p.page);
      if (JSON.stringify(got) === JSON.stringify(want)) break;
      await p.page.waitForTimeout(100);
    } while (Date.now() < deadline);
    assert.deepEqual(got, want, `${kind}: the page's findings are the CLI's`);
  }
  await p.assertClean();
});

test('without WebCrypto (a page served over plain http), the second module answers the checks', async (t) => {
  const ex = example(t);
  const p = await h.openPage(t);
  // What a browser does outside a secure context: no crypto.subtle.
  await p.context.addInitScript(() => Object.defineProperty(crypto, 'subtle', { get: () => undefined }));
  await p.page.reload();
  await p.page.waitForFunction(() => window.__appStarted === true);
  assert.equal(await p.page.evaluate(() => typeof crypto.subtle), 'undefined');
  await fillDemo(p.page);
  await p.page.waitForFunction(() => /^0 errors/.test(document.querySelector('#findings-summary')?.textContent.trim()));
  // A signature and a key are still judged: the ALB client key is not the gateway's.
  await p.page.locator('#nlb_key').fill(ex.read('alb-client.key'));
  await p.page.keyboard.press('Tab');
  await p.page.locator('.finding[data-code="key-mismatch"][data-input="nlb_key"]').waitFor({ state: 'visible' });
  await p.assertClean();
});
