#!/usr/bin/env node
// What the wasm is made of (a twiggy-like "top" without installing twiggy): the code size of
// every function, grouped by the crate its (legacy-mangled) name starts with, plus the data
// segments. Reads the name section, so give it a wasm that still has one, e.g. the one cargo
// writes before wasm-bindgen and wasm-opt:
//   node tools/wasm-composition.mjs target/wasm32-unknown-unknown/release/istio-alb.wasm [--top N] [--all]
// Sizes are raw bytes of function bodies before wasm-opt; the ranking is what matters.
// --all lists every crate instead of the top N, and every crate that `cargo tree` says the wasm
// build pulls in (normal dependencies for wasm32-unknown-unknown, proc macros left out), with
// its enabled features: a crate with no function of its own in the wasm shows 0 (its code was
// inlined into its callers', or nothing of it was linked).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: wasm-composition.mjs FILE.wasm [--top N] [--all]');
  process.exit(2);
}
const all = process.argv.includes('--all');
const topN = Number(process.argv[process.argv.indexOf('--top') + 1]) || 25;
const buf = readFileSync(file);
let pos = 8;
const u32 = () => {
  let result = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return result;
  }
};
const name = () => {
  const n = u32();
  const s = buf.toString('utf8', pos, pos + n);
  pos += n;
  return s;
};

let importedFuncs = 0;
const bodies = []; // sizes, by defined-function index
const names = new Map();
const sections = {};
let dataBytes = 0;
while (pos < buf.length) {
  const id = buf[pos++];
  const size = u32();
  const end = pos + size;
  if (id === 0) {
    const n = name();
    sections[`custom:${n}`] = (sections[`custom:${n}`] ?? 0) + size;
    if (n === 'name') {
      while (pos < end) {
        const sub = buf[pos++];
        const subSize = u32();
        const subEnd = pos + subSize;
        if (sub === 1) {
          const count = u32();
          for (let i = 0; i < count; i++) {
            const idx = u32();
            names.set(idx, name());
          }
        }
        pos = subEnd;
      }
    }
  } else {
    sections[id] = (sections[id] ?? 0) + size;
    if (id === 2) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        name();
        name();
        const kind = buf[pos++];
        if (kind === 0) {
          u32();
          importedFuncs++;
        } else if (kind === 1) {
          pos++;
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 2) {
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 3) {
          pos += 2;
        } else throw new Error(`import kind ${kind}`);
      }
    } else if (id === 10) {
      const count = u32();
      for (let i = 0; i < count; i++) {
        const s = u32();
        bodies.push(s);
        pos += s;
      }
    } else if (id === 11) {
      dataBytes = size;
    }
  }
  pos = end;
}

/** The crate a symbol belongs to: for a legacy-mangled (`_ZN…`) name its first path segment, or
 * for `<A as B>::f` the first crate named inside the brackets (the type's, else the trait's); for
 * a v0-mangled (`_R…`) name the first crate root; wasm-bindgen's descriptor functions (never in
 * the page: wasm-bindgen runs and removes them) apart; `(other)` for names that carry no crate
 * (compiler builtins, wasm-bindgen's shims). */
function crateOf(sym) {
  if (sym.startsWith('_ZN')) {
    const s = sym.slice(3);
    const segments = [];
    let i = 0;
    while (i < s.length && /\d/.test(s[i])) {
      let j = i;
      while (/\d/.test(s[j])) j++;
      const len = Number(s.slice(i, j));
      segments.push(s.slice(j, j + len));
      i = j + len;
    }
    for (const seg of segments) {
      if (seg.startsWith('_$LT$')) {
        const inner = /([a-z_][a-z0-9_]*)\.\./.exec(seg);
        if (inner) return inner[1];
        continue;
      }
      const m = /^([a-z_][a-z0-9_]*)/.exec(seg);
      if (m && m[1] !== '_') return m[1];
    }
    return '(other)';
  }
  if (sym.startsWith('_R')) {
    const m = /C(?:s[0-9a-zA-Z]*_)?(\d+)/.exec(sym);
    if (m) return sym.substr(m.index + m[0].length, Number(m[1])).replace(/^_/, '');
    return '(other)';
  }
  if (sym.startsWith('__wbindgen_describe')) return '(wasm-bindgen descriptors: run and removed by wasm-bindgen)';
  const m = /^<?([a-z_][a-z0-9_]*)::/.exec(sym);
  return m ? m[1] : '(other)';
}

const byCrate = new Map();
const funcs = [];
let codeTotal = 0;
bodies.forEach((size, i) => {
  const sym = names.get(importedFuncs + i) ?? `func[${importedFuncs + i}]`;
  const crate = crateOf(sym);
  byCrate.set(crate, (byCrate.get(crate) ?? 0) + size);
  funcs.push([size, sym]);
  codeTotal += size;
});

const pct = (n, of) => `${((100 * n) / of).toFixed(1)}%`.padStart(6);
console.log(`${file}: ${buf.length} bytes; code ${codeTotal} (${bodies.length} functions), data ${dataBytes}`);
console.log('\nsections:');
for (const [k, v] of Object.entries(sections)) console.log(`  ${String(v).padStart(9)}  ${pct(v, buf.length)}  ${k}`);

/** lib name -> "package vX.Y.Z [features]" for what the wasm build depends on, from cargo tree. */
function cargoTree() {
  const out = execFileSync(
    'cargo',
    ['tree', '--target', 'wasm32-unknown-unknown', '-e', 'normal,no-proc-macro', '--prefix', 'none', '--format', '{lib}|{p}|{f}'],
    { encoding: 'utf8' },
  );
  const crates = new Map();
  for (const line of out.split('\n')) {
    const [lib, pkg, features] = line.replace(/ \(\*\)$/, '').split('|');
    if (!lib || !pkg) continue;
    const what = `${pkg.replace(/ \(.*\)$/, '')}${features ? ` [${features}]` : ''}`;
    const known = crates.get(lib);
    if (!known?.includes(what)) crates.set(lib, known ? `${known}; ${what}` : what);
  }
  return crates;
}

const tree = all ? cargoTree() : new Map();
const rows = [...byCrate];
for (const lib of tree.keys()) if (!byCrate.has(lib)) rows.push([lib, 0]);
rows.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
console.log(all ? `\ncode by crate (all ${rows.length}; 0 = no function of its own in the wasm):` : `\ncode by crate (top ${topN}):`);
for (const [crate, size] of all ? rows : rows.slice(0, topN)) {
  const pkg = tree.get(crate);
  console.log(`  ${String(size).padStart(9)}  ${pct(size, codeTotal)}  ${crate}${pkg ? `  (${pkg})` : ''}`);
}
console.log(`\nlargest functions (top ${topN}):`);
for (const [size, sym] of funcs.sort((a, b) => b[0] - a[0]).slice(0, topN)) {
  console.log(`  ${String(size).padStart(9)}  ${sym.slice(0, 140)}`);
}
