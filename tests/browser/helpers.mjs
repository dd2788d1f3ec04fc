// What several browser tests do the way a person does it: demo data, a paste through the real
// clipboard, typing into a field and leaving it, the demo set as `istio-alb example` writes it,
// and the entries of a zip as python's zipfile (not our code) reads them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './harness.mjs';

export const CLI = join(ROOT, 'target/debug/istio-alb');

export function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'istio-alb-page-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The demo set as `istio-alb example` writes it (the page's demo button uses the same data). */
export function example(t) {
  const dir = join(tempDir(t), 'example');
  execFileSync(CLI, ['example', dir], { stdio: 'pipe' });
  const read = (name) => readFileSync(join(dir, name), 'utf8');
  return { dir, read };
}

/** Every entry of a zip: name → [mode, sha256] (python's zipfile: not our code). */
export function zipListing(file) {
  const script = `
import hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(json.dumps({i.filename: [i.external_attr >> 16, hashlib.sha256(z.read(i)).hexdigest()] for i in z.infolist()}))`;
  return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
}

export async function fillDemo(page) {
  await page.getByRole('button', { name: 'Try it with demo data' }).click();
  await page.locator('#demo-banner').waitFor({ state: 'visible' });
}

export async function summary(page) {
  return (await page.locator('#findings-summary').innerText()).trim();
}

export async function waitForSummary(page, regex) {
  await page.waitForFunction(
    (source) => new RegExp(source).test(document.getElementById('findings-summary')?.textContent.trim()),
    regex.source,
  );
}

/** Let the page use the clipboard (for pastes and for checking what Copy put there). */
export async function allowClipboard(p) {
  await p.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: p.origin });
}

/** Paste `text` into the field `#id` with the keyboard (Ctrl+V from the real clipboard). */
export async function paste(page, id, text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  const field = page.locator(`#${id}`);
  await field.focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  assert.equal(await field.inputValue(), text.replace(/\r\n/g, '\n'), `the paste reached #${id}`);
}

/** Replace the value of the text field `#id` as a person does, and leave the field (Tab). */
export async function enter(page, id, value) {
  await page.locator(`#${id}`).fill(value);
  await page.keyboard.press('Tab');
}

/** A self-signed CA made with openssl: { pem, subject }. */
export function otherCa(t, cn = 'Some Other Root CA') {
  const dir = tempDir(t);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.pem'), '-subj', `/CN=${cn}`, '-days', '30',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ], { stdio: 'pipe' });
  return { pem: readFileSync(join(dir, 'ca.pem'), 'utf8'), subject: `CN=${cn}` };
}

/** Click a button that downloads, and save the file at `path`. */
export async function download(page, click, path) {
  const [file] = await Promise.all([page.waitForEvent('download'), click()]);
  mkdirSync(dirname(path), { recursive: true });
  await file.saveAs(path);
  return path;
}

/** The text of the one zip entry whose path ends with `suffix` (python's zipfile: not our code). */
export function zipText(file, suffix) {
  const script = `
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = [n for n in z.namelist() if n.endswith(sys.argv[2])]
assert len(names) == 1, names
sys.stdout.write(z.read(names[0]).decode())`;
  return execFileSync('python3', ['-c', script, file, suffix], { encoding: 'utf8' });
}
