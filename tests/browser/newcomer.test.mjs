// Issue 27, the page's points 2, 7 and 10: leaving asks while a key made here is not
// downloaded; after a reload the earlier bundle's CA comes back from its zip or its PEM files;
// the snackbar leaves on its own (not while hovered or focused), covers nothing and keeps Undo
// one Tab away; the steps read 1 to 5 on screen and in the DOM; after "Create a private client
// CA" focus is on the cards that were made. Time-dependent steps use Playwright's fake clock:
// the test moves time on, it never sleeps.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { startHarness } from './harness.mjs';
import { download, fillDemo, tempDir, waitForSummary, zipText } from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

/** How long a snackbar stays (src/ui/snackbar.rs, SHOWN_MS). */
const SHOWN_MS = 10_000;

/** Let the page run everything already queued (microtasks, then one real task). */
async function settle(page) {
  await page.evaluate(
    () =>
      new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        channel.port2.postMessage(0);
      }),
  );
}

const activeId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

/** The demo set with a private client CA made on the page, ready to download. */
async function madeHere(page) {
  await fillDemo(page);
  await page.locator('#create-private-ca').click();
  await page.locator('#private-ca-callout .private-ca__done').waitFor();
  await waitForSummary(page, /^0 errors/);
}

test('leaving asks while the CA made here is not downloaded; downloading the zip ends that', async (t) => {
  const p = await h.openPage(t, { viewport: { width: 1440, height: 900 } });
  await madeHere(p.page);

  const asked = p.page.waitForEvent('dialog');
  await p.page.close({ runBeforeUnload: true });
  const dialog = await asked;
  assert.equal(dialog.type(), 'beforeunload');
  await dialog.dismiss();
  assert.equal(p.page.isClosed(), false, 'staying is possible');

  await download(p.page, () => p.page.locator('#download-zip').click(), join(tempDir(t), 'bundle.zip'));
  const dialogs = [];
  p.page.on('dialog', (d) => {
    dialogs.push(d.type());
    d.accept();
  });
  const closed = p.page.waitForEvent('close');
  await p.page.close({ runBeforeUnload: true });
  await closed;
  assert.deepEqual(dialogs, [], 'once the zip holds the keys, leaving asks nothing');
  await p.assertClean();
});

test('after a reload, the CA of the earlier bundle comes back from its zip or its private-ca/ files', async (t) => {
  const dir = tempDir(t);
  const p = await h.openPage(t, { viewport: { width: 1440, height: 900 } });
  await madeHere(p.page);
  const zip = await download(p.page, () => p.page.locator('#download-zip').click(), join(dir, 'earlier.zip'));
  const earlier = {
    ca: zipText(zip, '/private-ca/client-ca.pem'),
    key: zipText(zip, '/private-ca/client-ca.key'),
    client: zipText(zip, '/certs/alb-client.crt'),
  };
  await p.page.reload();
  await p.page.waitForFunction(() => window.__appStarted === true);
  await fillDemo(p.page);
  assert.notEqual(await p.page.locator('#client_ca').inputValue(), earlier.ca, 'the reload forgot the CA');

  // The zip, as downloaded.
  await p.page.locator('#use-earlier-ca-file').setInputFiles(zip);
  await p.page.locator('#private-ca-callout .private-ca__done').waitFor();
  assert.match(await p.page.locator('#private-ca-callout .private-ca__done').innerText(), /Used the private client CA of the earlier bundle/);
  assert.equal(await p.page.locator('#client_ca').inputValue(), earlier.ca);
  assert.equal(await p.page.locator('#client_ca_key').inputValue(), earlier.key);
  assert.equal(await p.page.locator('#alb_client_cert').inputValue(), earlier.client, "the bundle's client certificate came along");
  await waitForSummary(p.page, /^0 errors/);
  await p.page.waitForFunction(() => document.activeElement?.id === 'alb_client_cert-cards');
  // The new controls (the cards group, the snackbar in the flow, the earlier-bundle button)
  // pass axe. (Not under the fake clock: axe waits on timers of its own.)
  const { violations } = await new AxeBuilder({ page: p.page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`), []);

  // The two files of private-ca/: the CA, and a client certificate issued from it here.
  await p.page.locator('#undo').focus();
  await p.page.keyboard.press('Enter');
  assert.equal(await activeId(p.page), 'alb_client_cert', 'after Undo, focus is on the field it gave back');
  const pem = join(dir, 'client-ca.pem');
  const key = join(dir, 'client-ca.key');
  writeFileSync(pem, earlier.ca);
  writeFileSync(key, earlier.key);
  await p.page.locator('#use-earlier-ca-file').setInputFiles([pem, key]);
  await p.page.waitForFunction((ca) => document.getElementById('client_ca')?.value === ca, earlier.ca);
  assert.match(await p.page.locator('#private-ca-callout .private-ca__done').innerText(), /new ALB client certificate was issued from it/);
  assert.notEqual(await p.page.locator('#alb_client_cert').inputValue(), earlier.client);
  await waitForSummary(p.page, /^0 errors/);

  // A key of another CA: refused, with the reason, and nothing changes.
  const before = await p.page.locator('#client_ca_key').inputValue();
  const other = join(dir, 'other.key');
  execFileSync('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', other], { stdio: 'pipe' });
  await p.page.locator('#use-earlier-ca-file').setInputFiles([pem, other]);
  const error = p.page.locator('#private-ca-callout .private-ca__error');
  await error.waitFor();
  assert.match(await error.innerText(), /The key in other\.key does not belong to the CA certificate .*istio-alb client CA demo-cluster/);
  assert.ok(!(await error.innerText()).includes('BEGIN'), 'no key material in the message');
  assert.equal(await p.page.locator('#client_ca_key').inputValue(), before);
  await p.assertClean();
});

for (const width of [1440, 390]) {
  test(`at ${width} px the snackbar leaves on its own, stays while hovered or focused, covers nothing, and Undo is one Tab after the cards`, async (t) => {
    const p = await h.openPage(t, { viewport: { width, height: 900 }, clock: true });
    await p.page.clock.pauseAt(Date.now() + 1000);
    const snackbar = p.page.locator('#snackbar');

    // Left alone, it leaves.
    await fillDemo(p.page);
    await snackbar.waitFor();
    await p.page.clock.runFor(SHOWN_MS + 1000);
    await snackbar.waitFor({ state: 'detached' });

    // Under the pointer it stays, however long; once the pointer leaves, it goes.
    await fillDemo(p.page);
    await snackbar.hover();
    await p.page.clock.runFor(6 * SHOWN_MS);
    await settle(p.page);
    assert.equal(await snackbar.count(), 1, 'it stays while hovered');
    await p.page.mouse.move(0, 0);
    await p.page.clock.runFor(SHOWN_MS + 1000);
    await snackbar.waitFor({ state: 'detached' });

    // After "Create a private client CA", focus is on what was made, and Undo is the next stop.
    await p.page.locator('#create-private-ca').click();
    // The page scrolls to the cards; the pointer, left where the button was, would otherwise
    // rest on the snackbar and hold it (as it should): take it to the page's margin.
    await p.page.mouse.move(0, 0);
    await p.page.clock.runFor(100);
    // Locators wait in Playwright's own world, whose timers the paused clock does not hold.
    await p.page.locator('#alb_client_cert-cards:focus').waitFor();
    assert.ok((await p.page.locator('#alb_client_cert-cards .cert-card').count()) >= 1, 'the focused group holds the new cards');
    await p.page.keyboard.press('Tab');
    assert.equal(await activeId(p.page), 'undo');
    assert.match(await snackbar.innerText(), /Made a private client CA/);

    // It covers no field, card or message: it is in the page's flow.
    assert.notEqual(await snackbar.evaluate((el) => getComputedStyle(el).position), 'fixed');
    const covered = await snackbar.evaluate((bar) => {
      const r = bar.getBoundingClientRect();
      return [...document.querySelectorAll('input, textarea, select, button, .cert-card, .field__error, .cert-input__error, .finding')]
        .filter((el) => !bar.contains(el) && el.getClientRects().length > 0)
        .filter((el) => {
          const o = el.getBoundingClientRect();
          return r.left < o.right && o.left < r.right && r.top < o.bottom && o.top < r.bottom;
        })
        .map((el) => el.id || el.className);
    });
    assert.deepEqual(covered, []);

    // Focused, it stays; when the focus moves on, it goes.
    await p.page.clock.runFor(6 * SHOWN_MS);
    await settle(p.page);
    assert.equal(await snackbar.count(), 1, 'it stays while Undo has the focus');
    await p.page.keyboard.press('Tab');
    await p.page.keyboard.press('Tab');
    assert.notEqual(await p.page.evaluate(() => document.activeElement?.closest('#snackbar') !== null), true);
    await p.page.clock.runFor(SHOWN_MS + 1000);
    await snackbar.waitFor({ state: 'detached' });
    await p.assertClean();
  });
}

for (const width of [1440, 1024, 390]) {
  test(`at ${width} px the steps read 1 to 5, on screen as in the DOM`, async (t) => {
    const p = await h.openPage(t, { viewport: { width, height: 900 } });
    await fillDemo(p.page);
    const steps = await p.page.locator('.step__number').evaluateAll((els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { n: el.textContent.trim(), top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left, right: r.right };
      }),
    );
    assert.deepEqual(steps.map((s) => s.n), ['1', '2', '3', '4', '5'], 'DOM order');
    for (let i = 1; i < steps.length; i++) {
      const [a, b] = [steps[i - 1], steps[i]];
      const below = b.top >= a.bottom;
      const besideAfter = b.top < a.bottom && a.top < b.bottom && b.left >= a.right;
      assert.ok(below || besideAfter, `step ${b.n} is read after step ${a.n}: ${JSON.stringify(a)} then ${JSON.stringify(b)}`);
    }
    await p.assertClean();
  });
}
