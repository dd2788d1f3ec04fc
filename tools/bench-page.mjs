#!/usr/bin/env node
// Page benchmark (not a test: it prints figures and asserts nothing).
//   node tools/bench-page.mjs [--runs N]        (after trunk build --release)
// Prints, over N fresh page loads in headless Chromium against dist/:
//   - navigation -> app started (TrunkApplicationStarted: wasm decoded, compiled, mounted)
//   - paste -> updated findings, and time to build the zip: placeholders until the page has
//     them (issue 5); add a measure() below with the page's selectors.
//   - the transfer size of the page (html + js + css, gzip -9 of the files in dist/)
import { readdirSync, readFileSync } from 'node:fs';
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

const h = await startHarness();
try {
  const started = [];
  for (let i = 0; i < runs; i++) {
    const t = context();
    const p = await h.openPage(t);
    started.push(await p.page.evaluate(() => window.__appStartedAt));
    await p.assertClean();
    await t.cleanup();
  }
  console.log(`navigation -> app started: ${stats(started)}`);
  console.log('paste -> updated findings: (not measured yet: needs the certificate UI, issue 5)');
  console.log('build the zip:             (not measured yet: needs the download UI, issue 5)');

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
