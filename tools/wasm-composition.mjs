#!/usr/bin/env node
// What the wasm is made of (a twiggy-like "top" without installing twiggy): the code size of
// every function, grouped by the crate its (legacy-mangled) name starts with, plus the data
// segments. Reads the name section, so give it a wasm that still has one, e.g. the one cargo
// writes before wasm-bindgen and wasm-opt:
//   node tools/wasm-composition.mjs target/wasm32-unknown-unknown/release/istio-alb.wasm [--top N]
// Sizes are raw bytes of function bodies before wasm-opt; the ranking is what matters.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: wasm-composition.mjs FILE.wasm [--top N]');
  process.exit(2);
}
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

/** The crate a legacy-mangled (or plain) symbol belongs to: its first path segment. */
function crateOf(sym) {
  let s = sym;
  if (s.startsWith('_ZN')) {
    s = s.slice(3);
    // Skip `<...as ...>` wrappers: take the first identifier that is not a `$LT$` etc.
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
      const m = /^(?:_\$LT\$)?([a-z_][a-z0-9_]*)/.exec(seg);
      if (m && m[1] !== '_') return m[1];
    }
    return '(unknown)';
  }
  const m = /^<?([a-z_][a-z0-9_]*)::/.exec(s);
  return m ? m[1] : `(${s.split(/[.$]/)[0] || 'anonymous'})`;
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
console.log(`\ncode by crate (top ${topN}):`);
for (const [crate, size] of [...byCrate].sort((a, b) => b[1] - a[1]).slice(0, topN)) {
  console.log(`  ${String(size).padStart(9)}  ${pct(size, codeTotal)}  ${crate}`);
}
console.log(`\nlargest functions (top ${topN}):`);
for (const [size, sym] of funcs.sort((a, b) => b[0] - a[0]).slice(0, topN)) {
  console.log(`  ${String(size).padStart(9)}  ${sym.slice(0, 140)}`);
}
