// Trunk post_build hook: make the page load its wasm without any fetch().
//
// Why: the page's Content-Security-Policy says `connect-src 'none'` (nothing may be fetched,
// not even from the page's own origin), and fetch() of the .wasm is a connection. So the wasm
// travels inside an ordinary module script (allowed by `script-src 'self'`): gzip + base64,
// decompressed with DecompressionStream and compiled under 'wasm-unsafe-eval'.
//
// Input: the staged index.html holds the placeholder emitted by Trunk.toml's pattern_script,
//   <script type="module" data-istio-alb-boot data-js="/x-HASH.js" data-wasm="/x-HASH_bg.wasm">
// Output: boot-HASH.js in the staging dir, and the placeholder replaced by
//   <script type="module" src="/boot-HASH.js" integrity="sha384-..."></script>
// The .wasm stays in dist/ (for size reports) but the page never requests it.
//
// The page's second wasm module (issue 26): src/bin/istio-alb-make.rs, everything that makes
// things (the bundle's files and zip, the install preview, the settings file, a settings import,
// the private CA). Built here with cargo (same profile as Trunk's build, --offline), run through
// the wasm-bindgen and wasm-opt Trunk uses (from PATH), and emitted as make-HASH.js: its glue
// followed by the same gzip + base64 wasm and an instantiation from memory, so the module is
// ready once imported. The boot script defines window.istioAlbMake(), which the first module
// calls (src/ui/lazy.rs): it imports make-HASH.js once, on the first call, and resolves to its
// exports. No <script> names it: the first screen never waits for it.
//
// Then the offline copy (tools/offline-page.mjs): istio-alb-offline.html, every part inline, and
// its SHA-256 written into the served index.html as <meta name="istio-alb-offline" content="HEX">
// (the page shows it next to its "Save this page for offline use" link).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { inlineGlue, offlinePage } from './offline-page.mjs';

// @gfx/zopfli (npm, zopfli compiled to wasm) is a CommonJS package.
const zopfli = createRequire(import.meta.url)('@gfx/zopfli');

const staging = process.env.TRUNK_STAGING_DIR;
const htmlName = 'index.html';
if (!staging) {
  console.error('trunk-inline-wasm: TRUNK_STAGING_DIR is not set (run me as a Trunk hook)');
  process.exit(2);
}
const base = process.env.TRUNK_PUBLIC_URL || '/';
const htmlPath = join(staging, htmlName);
const html = readFileSync(htmlPath, 'utf8');

const placeholder = /<script type="module" data-istio-alb-boot data-js="([^"]+)" data-wasm="([^"]+)"><\/script>/;
const m = html.match(placeholder);
if (!m) {
  console.error('trunk-inline-wasm: boot placeholder not found in the staged index.html');
  process.exit(1);
}
const [, jsUrl, wasmUrl] = m;
const strip = (url) => url.slice(url.lastIndexOf('/') + 1);
const wasm = readFileSync(join(staging, strip(wasmUrl)));
// Zopfli writes the same gzip format as zlib, so the page decompresses it the same way
// (DecompressionStream('gzip')), but searches harder: the first wasm's gzip is about 6 % smaller
// than zlib's level 9 (issue 26: 29 KB less of the first screen, measured 2026-12-06), for a few
// seconds of build time per module (5 iterations: 15, zopfli's default, saved 76 B more).
const pack = async (bytes) => Buffer.from(await zopfli.gzipAsync(bytes, { numiterations: 5 })).toString('base64');
const packed = await pack(wasm);
const digest = (data, alg, enc) => createHash(alg).update(data).digest(enc);

// A Response of the decompressed stream, typed as wasm, lets the glue compile while it is still
// being decompressed (WebAssembly.instantiateStreaming; no fetch involved). Uint8Array.fromBase64
// decodes in native code; the atob() loop is the fallback for browsers without it.
const wasmResponse = (fn, packedName) => `function ${fn}() {
  const gz = Uint8Array.fromBase64
    ? Uint8Array.fromBase64(${packedName})
    : Uint8Array.from(atob(${packedName}), (c) => c.charCodeAt(0));
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream, { headers: { 'content-type': 'application/wasm' } });
}`;

// --- the second module --------------------------------------------------------------------------
const release = process.env.TRUNK_PROFILE === 'release';
const source = process.env.TRUNK_SOURCE_DIR || process.cwd();
const env = {
  ...process.env,
  PATH: [join(source, 'node_modules', '.bin'), join(homedir(), '.cargo', 'bin'), process.env.PATH].join(delimiter),
};
const run = (cmd, args, opts = {}) =>
  execFileSync(cmd, args, { cwd: source, env, encoding: 'utf8', maxBuffer: 1 << 28, ...opts });

// The split holds only while the first module calls none of what the second makes with: fail the
// build when cargo's first wasm (Trunk's, with its name section) links any of it. Each name must
// be in the second module, so a renamed symbol cannot make this guard pass by no longer matching.
const SECOND_ONLY = {
  zip: '_ZN3zip',
  serde_yaml: '_ZN10serde_yaml',
  unsafe_libyaml: '_ZN14unsafe_libyaml',
  x509_cert: '_ZN9x509_cert',
  'istio_alb::ca': '_ZN9istio_alb2ca',
  'istio_alb::earlier_ca': '_ZN9istio_alb10earlier_ca',
  'istio_alb::make': '_ZN9istio_alb4make',
  // The checks' public-key arithmetic: WebCrypto's in the first module (ui::webcrypto), RustCrypto's
  // in the second (pki::rustcrypto, also the page's way round a missing WebCrypto).
  'istio_alb::pki::rustcrypto': '_ZN9istio_alb3pki10rustcrypto',
  rsa: '_ZN3rsa',
  crypto_bigint: '_ZN13crypto_bigint',
  // (p384 and ed25519_dalek leave no function of their own name: their code is generic, named
  // after elliptic_curve, primeorder, ecdsa and curve25519_dalek.)
  p256: '_ZN4p256',
  elliptic_curve: '_ZN14elliptic_curve',
  primeorder: '_ZN10primeorder',
  ecdsa: '_ZN5ecdsa',
  curve25519_dalek: '_ZN16curve25519_dalek',
};
function guardFirstModule(firstPath, secondPath) {
  const first = readFileSync(firstPath);
  const second = readFileSync(secondPath);
  for (const [what, prefix] of Object.entries(SECOND_ONLY)) {
    if (!second.includes(prefix)) throw new Error(`trunk-inline-wasm: no ${what} (${prefix}) in ${secondPath}: update SECOND_ONLY`);
    if (first.includes(prefix)) throw new Error(`trunk-inline-wasm: the first module links ${what} (${prefix}), which only the second may (issue 26)`);
  }
}

function buildMake() {
  const cargoArgs = ['build', '--target=wasm32-unknown-unknown', '--bin', 'istio-alb-make', '--offline', '--message-format=json'];
  if (release) cargoArgs.push('--release');
  const messages = run('cargo', cargoArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
  let built;
  for (const line of messages.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line);
    if (m.reason === 'compiler-artifact' && m.target?.name === 'istio-alb-make') {
      built = m.filenames.find((f) => f.endsWith('.wasm'));
    }
  }
  if (!built) throw new Error('trunk-inline-wasm: cargo built no istio-alb-make.wasm');
  guardFirstModule(join(dirname(built), 'istio-alb.wasm'), built);
  const tmp = mkdtempSync(join(tmpdir(), 'istio-alb-make-'));
  try {
    run('wasm-bindgen', ['--target=web', '--no-typescript', `--out-dir=${tmp}`, '--out-name=make', built], { stdio: 'inherit' });
    let out = join(tmp, 'make_bg.wasm');
    if (release) {
      const opt = join(tmp, 'make_opt.wasm');
      run('wasm-opt', [`--output=${opt}`, '-Oz', out], { stdio: 'inherit' });
      out = opt;
    }
    return { glue: readFileSync(join(tmp, 'make.js'), 'utf8'), wasm: readFileSync(out) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const make = buildMake();
const makePacked = await pack(make.wasm);
const makeInit = `const makePacked = '${makePacked}';

${wasmResponse('makeWasmResponse', 'makePacked')}

await __wbg_init({ module_or_path: makeWasmResponse() });
`;
const makeModule = `${make.glue}
// Generated by tools/trunk-inline-wasm.mjs: istio-alb-make (${make.wasm.length} bytes), gzip + base64.
${makeInit}`;
const makeName = `make-${digest(makeModule, 'sha256', 'hex').slice(0, 16)}.js`;
writeFileSync(join(staging, makeName), makeModule);
// For the size report only (tools/size.sh): never requested.
writeFileSync(join(staging, 'istio-alb-make_bg.wasm'), make.wasm);

// The offline copy cannot import a file: the second module's glue is inlined, inside a function
// that runs on the first call, so that its names stay clear of the first glue's.
const makeInlined = inlineGlue(make.glue);
// Either way the second module is loaded once the browser is idle after the first call (the page
// asks for the files as soon as it has started), so it never holds up the first screen.
const idle = `const bootIdle = () =>
  new Promise((resolve) => (window.requestIdleCallback ? requestIdleCallback(resolve, { timeout: 1000 }) : setTimeout(resolve, 0)));
`;
const offlineMake = `${idle}let bootMake;
window.istioAlbMake = () =>
  (bootMake ??= (async () => {
    await bootIdle();
${makeInlined.script}
${makeInit}
    return { ${makeInlined.exported.join(', ')} };
  })());
`;
const servedMake = `${idle}let bootMake;
window.istioAlbMake = () =>
  (bootMake ??= bootIdle().then(() => import('./${makeName}')).catch((e) => {
    bootMake = undefined;
    throw e;
  }));
`;

// What runs once `__wbg_init` (the glue's default export) and `bindings` are in scope: the same
// for the served page (imported from the glue file) and the offline copy (glue inline, so its
// names are prefixed `boot` to stay clear of the glue's own), but for how the second module is
// reached. window.istioAlbMake is defined before the first module starts (it may call it at once).
const bootBody = (makeDef) => `const bootPacked = '${packed}';

${wasmResponse('bootWasmResponse', 'bootPacked')}

${makeDef}
const bootWasm = await __wbg_init({ module_or_path: bootWasmResponse() });
window.wasmBindings = bindings;
dispatchEvent(new CustomEvent('TrunkApplicationStarted', { detail: { wasm: bootWasm } }));
`;

// The glue is imported by a relative URL so the page works under any public URL.
const boot = `// Generated by tools/trunk-inline-wasm.mjs: ${strip(wasmUrl)} (${wasm.length} bytes), gzip + base64.
import __wbg_init, * as bindings from './${strip(jsUrl)}';

${bootBody(servedMake)}`;

const bootName = `boot-${digest(boot, 'sha256', 'hex').slice(0, 16)}.js`;
writeFileSync(join(staging, bootName), boot);
const integrity = `sha384-${digest(boot, 'sha384', 'base64')}`;
// boot-*.js imports the glue, which the browser would only ask for once it has parsed boot-*.js
// (half a megabyte of inlined wasm): a modulepreload fetches the two side by side.
const glue = readFileSync(join(staging, strip(jsUrl)), 'utf8');
const glueIntegrity = `sha384-${digest(glue, 'sha384', 'base64')}`;
const tag = `<link rel="modulepreload" href="${base}${strip(jsUrl)}" integrity="${glueIntegrity}" />
    <script type="module" src="${base}${bootName}" integrity="${integrity}"></script>`;

const offlineName = 'istio-alb-offline.html';
const offline = offlinePage({
  html,
  placeholder,
  glue,
  bootBody: bootBody(offlineMake),
  css: (href) => readFileSync(join(staging, strip(href)), 'utf8'),
});
writeFileSync(join(staging, offlineName), offline);
const offlineSha = digest(offline, 'sha256', 'hex');

const served = html
  .replace(placeholder, tag)
  .replace('<meta name="referrer"', `<meta name="istio-alb-offline" content="${offlineSha}" />\n    <meta name="referrer"`);
if (!served.includes(offlineSha)) throw new Error('trunk-inline-wasm: no place for the offline hash');
writeFileSync(htmlPath, served);
console.log(`trunk-inline-wasm: ${strip(wasmUrl)} ${wasm.length} B -> ${bootName} ${Buffer.byteLength(boot)} B`);
console.log(`trunk-inline-wasm: istio-alb-make ${make.wasm.length} B -> ${makeName} ${Buffer.byteLength(makeModule)} B`);
console.log(`trunk-inline-wasm: ${offlineName} ${Buffer.byteLength(offline)} B, sha256 ${offlineSha}`);
