// Issue 2, the walking skeleton, as a person uses it: paste a certificate into the
// "Gateway (NLB) certificate" field and read its subject and SANs on a card; paste garbage and
// read the error. Expectations come from openssl, not from our own code.
//
// Page contract (the lead's UI):
//   textarea#nlb_cert, labelled "Gateway (NLB) certificate"
//   one .cert-card per certificate, with .cert-card__subject and .cert-card__sans
//   a malformed PEM shows an element [data-code="pem-malformed"] (a .finding)
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { saveScreenshot, startHarness, testCertificate } from './harness.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

test('pasting a certificate shows its subject and SANs; garbage shows pem-malformed', async (t) => {
  const cert = testCertificate(t);
  assert.ok(cert.subjectCN && cert.dnsNames.length > 0, `test certificate (${cert.source}) has a CN and DNS SANs`);

  const p = await h.openPage(t);
  const field = p.page.getByLabel('Gateway (NLB) certificate', { exact: true });
  await field.waitFor({ state: 'visible', timeout: 5_000 });
  assert.equal(await field.getAttribute('id'), 'nlb_cert');

  await field.fill(cert.pem);
  const card = p.page.locator('.cert-card').first();
  await card.waitFor({ state: 'visible', timeout: 10_000 });
  const blocks = (cert.pem.match(/-----BEGIN CERTIFICATE-----/g) ?? []).length;
  assert.equal(await p.page.locator('.cert-card').count(), blocks, 'one card per certificate');
  assert.match(await card.locator('.cert-card__subject').innerText(), new RegExp(escape(cert.subjectCN)));
  const sans = await card.locator('.cert-card__sans').innerText();
  for (const name of cert.dnsNames) assert.ok(sans.includes(name), `SAN ${name} shown in "${sans}"`);
  await saveScreenshot(p.page, 'skeleton-certificate');

  // The same blocks pasted twice: the bundle keeps one copy, the cards show what it holds,
  // and a finding says a block repeats (issue 27, point 8).
  await field.fill(`${cert.pem}\n${cert.pem}`);
  await p.page.locator('[data-code="cert-repeated"]').first().waitFor({ state: 'visible', timeout: 10_000 });
  assert.equal(await p.page.locator('.cert-card').count(), blocks);

  // A damaged block: the error says so, and no card claims a certificate.
  const broken = cert.pem.replace(/^(-----BEGIN CERTIFICATE-----\r?\n)(.{10})/m, '$1!!!!garbage');
  await field.fill(broken);
  const error = p.page.locator('[data-code="pem-malformed"]').first();
  await error.waitFor({ state: 'visible', timeout: 10_000 });
  assert.ok((await error.innerText()).trim().length > 0, 'the error has a message');
  await saveScreenshot(p.page, 'skeleton-garbage');

  await p.assertClean();
});

function escape(s) {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
