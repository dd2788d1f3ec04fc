// The offline copy of the page: one HTML file, istio-alb-offline.html, that works when opened
// from disk (file://) with no server and no network.
//
// Why a second file: from file://, Chromium refuses module scripts and stylesheets loaded by URL
// (each file:// URL is its own opaque origin), so every part must be inline: the styles as
// <style> elements, and the wasm-bindgen glue and the boot code (with the wasm, gzip + base64)
// as one inline module script. The CSP then allows exactly those inline parts by their SHA-256
// (no 'unsafe-inline'), plus 'wasm-unsafe-eval' to compile the wasm, and keeps connect-src 'none'.
//
// Used by tools/trunk-inline-wasm.mjs, which afterwards writes this file's SHA-256 into the served
// index.html (<meta name="istio-alb-offline">); this file is made from the page before that, so
// it never contains its own hash.
import { createHash } from 'node:crypto';

const sha256 = (text) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/**
 * html: the staged index.html with the boot placeholder still in it (matched by `placeholder`);
 * glue: the wasm-bindgen glue (an ES module); bootBody: the boot code that expects `__wbg_init`
 * and `bindings` in scope; css: a function from a stylesheet URL to its text.
 * Returns the offline page's text.
 */
export function offlinePage({ html, placeholder, glue, bootBody, css }) {
  // The glue becomes part of one inline module: its exports become plain declarations, and the
  // names it exported are collected for window.wasmBindings (as the served page's boot sets it).
  const { script: inlined, exported } = inlineGlue(glue);
  const script = `${inlined}\nconst bindings = { initSync, ${exported.join(', ')} };\n${bootBody}`;
  if (/<\/script/i.test(script)) throw new Error('offline-page: the script contains </script');

  const styleHashes = [];
  let page = html.replace(/<link rel="stylesheet" href="([^"]+)"[^>]*>/g, (_, href) => {
    const text = css(href);
    if (/<\/style/i.test(text)) throw new Error(`offline-page: ${href} contains </style`);
    styleHashes.push(sha256(text));
    return `<style>${text}</style>`;
  });
  if (styleHashes.length === 0) throw new Error('offline-page: no stylesheet found');
  if (!placeholder.test(page)) throw new Error('offline-page: boot placeholder not found');
  page = page.replace(placeholder, () => `<script type="module">${script}</script>`);

  const csp =
    `default-src 'none'; script-src ${sha256(script)} 'wasm-unsafe-eval'; ` +
    `style-src ${styleHashes.join(' ')}; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'`;
  const meta = /(<meta\s+http-equiv="Content-Security-Policy"\s+content=")[^"]*(")/;
  if (!meta.test(page)) throw new Error('offline-page: CSP meta not found');
  page = page.replace(meta, (_, a, b) => `${a}${csp}${b}`);
  return page.replace(/<!--[\s\S]*?-->\s*/g, (c) => (c.includes('Content-Security-Policy') || c.includes('connect-src') ? '' : c));
}

/**
 * A wasm-bindgen glue module (--target web) as plain script text for an inline module: its
 * exports become plain declarations. Returns the text and the names it exported (besides
 * `initSync` and the default `__wbg_init`, which stay declared under those names).
 */
export function inlineGlue(glue) {
  const exported = [];
  let script = glue.replace(/^export (class|function|const|let) ([A-Za-z_$][\w$]*)/gm, (_, kind, name) => {
    exported.push(name);
    return `${kind} ${name}`;
  });
  const tail = /^export \{ initSync, __wbg_init as default \};$/m;
  if (!tail.test(script)) throw new Error('offline-page: the glue no longer ends with the expected export list');
  script = script.replace(tail, '');
  if (/^\s*(import|export)\b/m.test(script)) throw new Error('offline-page: the glue has another import/export');
  return { script, exported };
}
