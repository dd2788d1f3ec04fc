// Issue 27, "Done when": the persona's whole path on the page, as one person walks it. A platform
// engineer in December 2026, on a VPC cluster with the Traefik ALB and the Istio add-on, whose
// gateway certificate comes from Let's Encrypt (no CN, no clientAuth): the private client CA is
// made on the page; the mistakes of points 4, 5 and 8 are made and fixed as the page offers; the
// page is reloaded; the preview of point 9 says what install will do; the zip is the CLI's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startHarness } from './harness.mjs';
import {
  CLI, allowClipboard, download, enter, paste, tempDir, waitForSummary, zipListing, zipText,
} from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

const CLUSTER = 'prod-eu';
const LB_HOST = '1a2b3c4d-eu-de.lb.appdomain.cloud';
const NLB_DOMAIN = 'prod-eu-0001.eu-de.containers.appdomain.cloud';
const ALB_DOMAIN = 'prod-eu-a1b2c3.eu-de.containers.appdomain.cloud';

/**
 * A Let's Encrypt-style gateway chain made with openssl (not our code): a root ("Persona Test
 * Root X1", standing in for ISRG Root X1), an intermediate, and a leaf with no subject at all,
 * only a DNS SAN for the NLB host name, and serverAuth only (no clientAuth).
 */
function letsEncryptStyle(t) {
  const dir = tempDir(t);
  const f = (name) => join(dir, name);
  const run = (args) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', f('root.key'), '-out', f('root.pem'), '-days', '30',
    '-subj', '/O=Persona Test/CN=Persona Test Root X1',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const sign = (name, subject, ca, ext, serial) => {
    run(['req', '-new', ...ec, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`), '-subj', subject]);
    execFileSync('sh', ['-c', `printf '%s\\n' "$@" > ${f(`${name}.ext`)}`, 'sh', ...ext]);
    run(['x509', '-req', '-in', f(`${name}.csr`), '-CA', f(`${ca}.pem`), '-CAkey', f(`${ca}.key`),
      '-set_serial', serial, '-days', '30', '-extfile', f(`${name}.ext`), '-out', f(`${name}.pem`)]);
  };
  sign('int', '/O=Persona Test/CN=Persona R13', 'root', [
    'basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
    'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid',
  ], '0x1001');
  sign('leaf', '/', 'int', [
    'basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth',
    `subjectAltName=DNS:${NLB_DOMAIN}`, 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid',
  ], '0x2002');
  const read = (name) => readFileSync(f(name), 'utf8');
  assert.equal(execFileSync('openssl', ['x509', '-in', f('leaf.pem'), '-noout', '-subject'], { encoding: 'utf8' }).trim(), 'subject=', 'no CN');
  return { chain: read('leaf.pem') + read('int.pem'), key: read('leaf.key'), root: read('root.pem') };
}

/** The items of one list of the install preview, as shown. */
const previewItems = (page, id) => page.locator(`#${id} .install-preview__item`).allInnerTexts();

/** The gateway's inputs, pasted as the persona has them. */
async function pasteGateway(page, le) {
  await paste(page, 'nlb_cert', le.chain);
  await paste(page, 'nlb_key', le.key);
  await paste(page, 'gateway_ca', le.root);
}

test("the persona's path: VPC, Traefik, a CN-less Let's Encrypt-style certificate, a CA made here, three mistakes fixed, a reload, the preview and the download", async (t) => {
  const le = letsEncryptStyle(t);
  const dir = tempDir(t);
  const p = await h.openPage(t, { viewport: { width: 1440, height: 900 } });
  const page = p.page;
  await allowClipboard(p);

  // Cluster: the current profile (the default), Traefik, VPC. The load balancer's host name
  // replaces the IP, and the guides follow the choices and the values typed (point 3).
  await page.locator('#alb-traefik').check();
  await page.locator('#infrastructure-vpc').check();
  assert.equal(await page.locator('#ingress_ip').isVisible(), false, 'no IP on VPC');
  await enter(page, 'cluster_name', CLUSTER);
  await enter(page, 'lb_host', LB_HOST);

  // Point 5: the NLB domain pasted from the browser's address bar, with white space around it.
  await enter(page, 'nlb_domain', ` https://${NLB_DOMAIN}/ `);
  const domainError = page.locator('#nlb_domain-error');
  await domainError.locator('.field__error').waitFor();
  const decorated = await domainError.innerText();
  assert.match(decorated, /scheme "https:\/\/"/, 'the scheme is named');
  assert.match(decorated, /slash/, 'the trailing slash is named');
  assert.doesNotMatch(decorated, /contains ':'|control character/, 'named by cause, not by character');
  const fix = page.locator('button.field__fix[data-fix="nlb_domain"]');
  assert.match(await fix.innerText(), new RegExp(`^Use ${NLB_DOMAIN.replace(/\./g, '\\.')}$`));
  await fix.click();
  assert.equal(await page.locator('#nlb_domain').inputValue(), NLB_DOMAIN, 'one click gives the bare host');
  await page.locator('#nlb_domain-error .field__error').waitFor({ state: 'detached' });

  await enter(page, 'nlb_secret', 'prod-eu-0001');
  await enter(page, 'alb_domain', ALB_DOMAIN);
  await enter(page, 'alb_secret', 'prod-eu-a1b2c3-0000');
  const guide = page.locator('#nlb_domain-guide');
  await guide.locator('summary').click();
  assert.match(await guide.innerText(), new RegExp(`nlb-dns create vpc-gen2 --cluster ${CLUSTER} --lb-host ${LB_HOST.replace(/\./g, '\\.')}`));
  assert.doesNotMatch(await guide.innerText(), /<cluster>|<lb-host>|--ip/);

  // Point 9: the httpbin sample is a choice, off until asked for, with its one sentence.
  assert.equal(await page.locator('#deploy_sample-false').isChecked(), true, 'no sample by default');
  assert.match(await page.locator('#deploy_sample').innerText(), /install stops, before any change, when that Deployment is missing/);

  // Certificates. Point 8: the gateway chain pasted twice over (leaf, intermediate, leaf,
  // intermediate): one finding says a block repeats, the cards show what the bundle keeps.
  await paste(page, 'nlb_cert', le.chain + le.chain);
  const repeated = page.locator('.finding[data-code="cert-repeated"][data-input="nlb_cert"]');
  await repeated.first().waitFor();
  assert.equal(await repeated.count(), 2, 'one finding per repeated block');
  assert.match(await repeated.first().innerText(), /Block 3 of Gateway \(NLB\) certificate/);
  const cards = page.locator('.cert-input:has(#nlb_cert) .cert-card__subject');
  assert.equal(await cards.count(), 2, 'leaf and intermediate, once each');
  // Point 6: the leaf has no CN, and is labelled by its first SAN, never "".
  const subjects = await cards.allInnerTexts();
  assert.match(subjects[0], new RegExp(NLB_DOMAIN.replace(/\./g, '\\.')));
  assert.ok(subjects.every((s) => !s.includes('""')), subjects.join(' | '));
  await paste(page, 'nlb_cert', le.chain);
  await page.locator('.finding[data-code="cert-repeated"]').first().waitFor({ state: 'detached' });
  await paste(page, 'nlb_key', le.key);

  // The ALB's client certificate: Let's Encrypt's has no clientAuth, so the CA is made here.
  // Point 10: focus moves to what was made.
  await page.locator('#create-private-ca').click();
  await page.locator('#private-ca-callout .private-ca__done').waitFor();
  await page.locator('#alb_client_cert-cards:focus').waitFor();
  const made = {
    ca: await page.locator('#client_ca').inputValue(),
    key: await page.locator('#client_ca_key').inputValue(),
  };
  assert.match(made.ca, /^-----BEGIN CERTIFICATE-----/);

  // Point 1: the client CA is private now, so "CA the ALB trusts" asks for its own root; the
  // persona pastes the root of the gateway chain.
  await paste(page, 'gateway_ca', le.root);

  // Point 4: a typo in the NLB domain, shown by the part that differs, fixed in one click.
  const typo = NLB_DOMAIN.replace('0001', '0010');
  await enter(page, 'nlb_domain', typo);
  await page.locator('.finding[data-code="name-mismatch"][data-input="nlb_domain"]').waitFor();
  const mismatch = await domainError.innerText();
  assert.match(mismatch, /is not a name of the certificate/);
  assert.ok(mismatch.split(/\s+/).length < 45, `a short message: ${mismatch}`);
  const blamed = await page.locator('.finding[data-input="nlb_cert"]:not(.finding--info)').allInnerTexts();
  assert.deepEqual(blamed, [], 'the certificate is not blamed');
  await fix.click();
  assert.equal(await page.locator('#nlb_domain').inputValue(), NLB_DOMAIN);
  await waitForSummary(page, /^0 errors/);

  // Point 9: what install will do, from the plan that writes the scripts.
  const preview = page.locator('#install-preview');
  await preview.waitFor();
  assert.equal(await page.locator('#install-url').innerText(), `https://httpbin.${ALB_DOMAIN}/status`);
  assert.equal(await page.locator('#install-dry-run').innerText(), `${CLUSTER}-istio-alb/scripts/install.sh --dry-run`);
  const creates = await previewItems(page, 'install-creates');
  for (const object of [
    'Namespace httptools',
    'Secret istio-system/nlb-gateway-mtls',
    'Secret istio-system/alb-client-tls',
    'ServersTransport istio-system/alb-to-gateway',
    'Ingress istio-system/alb-ingress',
    'PeerAuthentication httptools/default',
  ]) {
    assert.ok(creates.some((c) => c.startsWith(`${object} `)), `creates ${object}: ${creates.join('\n')}`);
  }
  assert.ok(!creates.some((c) => /Deployment|alb-proxy-ssl/.test(c)), `no sample, nothing of NGINX: ${creates.join('\n')}`);
  // Each line follows the values typed since the page opened (the Ingress names the app's URL).
  assert.ok(creates.some((c) => c.startsWith('Ingress istio-system/alb-ingress ') && c.includes(`https://httpbin.${ALB_DOMAIN}/status`)), creates.join('\n'));
  assert.match(await page.locator('#install-changes-title').innerText(), /under the field manager istio-alb/);
  const changes = await previewItems(page, 'install-changes');
  assert.match(changes[0], /^Namespace httptools .*istio-injection=enabled/);
  assert.ok(changes.some((c) => c.includes('Gateway istio-system/default-ingress-gateway') && c.includes('--force-conflicts')), changes.join('\n'));
  const deletes = await previewItems(page, 'install-deletes');
  assert.equal(deletes.length, 1);
  assert.match(deletes[0], /^Ingress httptools\/alb-ingress .*only with --delete-old-ingress/);
  assert.match((await previewItems(page, 'install-uses')).join('\n'), /^Deployment httptools\/httpbin .*install stops/);

  // Point 2: leaving asks while the CA made here is in no downloaded zip.
  const asked = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  assert.equal(dialog.type(), 'beforeunload');
  await dialog.dismiss();
  assert.equal(page.isClosed(), false);

  // The download: what the preview said, and nothing of NGINX.
  const first = await download(page, () => page.locator('#download-zip').click(), join(dir, 'first.zip'));
  const names = Object.keys(zipListing(first));
  assert.ok(names.some((n) => n.endsWith('manifests/07-servers-transport.yaml')), names.join(' '));
  assert.ok(!names.some((n) => n.includes('sample-app')), 'no sample manifest');
  // install's prerequisites check the app's Deployment when the bundle deploys no sample
  // (lib.sh's check_prerequisites runs need_app on this setting).
  assert.match(zipText(first, '/scripts/settings.sh'), /^DEPLOY_SAMPLE=false$/m, "install checks the app's Deployment first");
  assert.match(zipText(first, '/scripts/lib.sh'), /"\$DEPLOY_SAMPLE" = false \]; then need_app; fi/, 'the check that setting turns on');
  assert.doesNotMatch(zipText(first, '/README.md'), /nginx|proxy-ssl/i, 'every README sentence fits Traefik');
  assert.equal(zipText(first, '/private-ca/client-ca.pem'), made.ca);

  // A reload: the settings are remembered, the certificates and keys are not, and the CA of the
  // earlier bundle is offered beside "Create".
  const dialogs = [];
  page.on('dialog', (d) => {
    dialogs.push(d.type());
    d.accept();
  });
  await page.reload();
  await page.waitForFunction(() => window.__appStarted === true);
  assert.deepEqual(dialogs, [], 'once the zip holds the keys, leaving asks nothing');
  assert.equal(await page.locator('#cluster_name').inputValue(), CLUSTER);
  assert.equal(await page.locator('#alb-traefik').isChecked(), true);
  assert.equal(await page.locator('#infrastructure-vpc').isChecked(), true);
  assert.equal(await page.locator('#client_ca').inputValue(), '', 'no key material survives a reload');
  await page.locator('#use-earlier-ca').waitFor();
  await page.locator('#use-earlier-ca-file').setInputFiles(first);
  await page.locator('#private-ca-callout .private-ca__done').waitFor();
  assert.equal(await page.locator('#client_ca').inputValue(), made.ca, 'the same CA, not a second one');
  assert.equal(await page.locator('#client_ca_key').inputValue(), made.key);
  await pasteGateway(page, le);
  await waitForSummary(page, /^0 errors/);

  // The zip of the page equals the CLI's for the same settings, certificates and time.
  const pageZip = await download(page, () => page.locator('#download-zip').click(), join(dir, 'page.zip'));
  const at = /--at (\S+)/.exec(await page.locator('#cli-command').innerText())[1];
  const unpacked = join(dir, 'unpacked');
  execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', pageZip, unpacked]);
  const cliZip = join(dir, 'cli.zip');
  execFileSync(CLI, ['bundle', join(unpacked, `${CLUSTER}-istio-alb`, 'settings.yaml'), '--out', cliZip, '--at', at], { stdio: 'pipe' });
  assert.deepEqual(zipListing(pageZip), zipListing(cliZip), 'same files, modes and contents');
  assert.ok(readFileSync(pageZip).equals(readFileSync(cliZip)), 'byte-identical zip');
  assert.equal(zipText(pageZip, '/private-ca/client-ca.key'), made.key);
  await p.assertClean();
});
