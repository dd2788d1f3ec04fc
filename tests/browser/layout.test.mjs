// Issue 12's layout bugs, by geometry (no pixel thresholds on time): the sticky Check column
// must never cover the Files or Download steps, and a certificate card's role badge is a small
// pill, not a tall circle. Also issue 13's screenshots and accessibility check at 390, 1024 and
// 1440 px in both colour schemes (test-results/).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { saveScreenshot, startHarness } from './harness.mjs';
import { fillDemo } from './helpers.mjs';

let h;
before(async () => {
  h = await startHarness();
});
after(() => h?.close());

const intersects = (a, b) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

for (const width of [1440, 1024]) {
  test(`at ${width} px the Check column never covers Files or Download`, async (t) => {
    const p = await h.openPage(t, { viewport: { width, height: 900 } });
    await fillDemo(p.page);
    // Scroll step by step from the top to the bottom, as a person reading the page does.
    const height = await p.page.evaluate(() => document.documentElement.scrollHeight);
    let checked = 0;
    for (let y = 0; y < height; y += 300) {
      await p.page.evaluate((top) => window.scrollTo(0, top), y);
      const aside = await p.page.locator('#check-column').evaluate((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      const files = await p.page.locator('#step-files').evaluate((h2) => {
        const r = h2.closest('section').getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      const download = await p.page.locator('#step-download').evaluate((h2) => {
        const r = h2.closest('section').getBoundingClientRect();
        return { x: r.x, y: r.y, width: r.width, height: r.height };
      });
      assert.ok(!intersects(aside, files), `scrolled to ${y}: the Check column ${JSON.stringify(aside)} covers Files ${JSON.stringify(files)}`);
      assert.ok(!intersects(aside, download), `scrolled to ${y}: the Check column covers Download`);
      checked += 1;
    }
    assert.ok(checked > 3, 'the page was scrolled through');
    await p.assertClean();
  });
}

test('the role badge on a certificate card is a pill the height of one line', async (t) => {
  // Narrow enough that long certificate names wrap beside the badge.
  const p = await h.openPage(t, { viewport: { width: 390, height: 900 } });
  await fillDemo(p.page);
  const badges = await p.page.locator('.cert-card__badge').evaluateAll((els) =>
    els.map((el) => {
      const r = el.getBoundingClientRect();
      const title = el.closest('.cert-card__title').getBoundingClientRect();
      return { text: el.textContent, width: r.width, height: r.height, line: parseFloat(getComputedStyle(el).lineHeight), titleHeight: title.height, top: r.top - title.top };
    }),
  );
  assert.ok(badges.length >= 4, `${badges.length} badges`);
  for (const b of badges) {
    assert.ok(b.height <= b.line + 4, `"${b.text}" is one line high (${b.height} px, line ${b.line} px)`);
    assert.ok(b.width > b.height, `"${b.text}" is wider than high (${b.width} × ${b.height})`);
    assert.ok(b.top < 4, `"${b.text}" sits at the top of its title`);
  }
  assert.ok(badges.some((b) => b.titleHeight > 2 * b.height), 'some titles wrap (the case that broke)');
  await p.assertClean();
});

test('screenshots at 390, 1024 and 1440 px in both schemes, no horizontal scrolling, axe clean', async (t) => {
  for (const width of [390, 1024, 1440]) {
    for (const colorScheme of ['light', 'dark']) {
      const p = await h.openPage(t, { viewport: { width, height: 900 }, colorScheme });
      await saveScreenshot(p.page, `first-hour-empty-${width}-${colorScheme}`);
      await fillDemo(p.page);
      await p.page.locator('#nlb_domain-guide summary').click();
      await p.page.locator('#chain-nlb .chain__summary').first().click();
      const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `no horizontal scrolling at ${width} px (overflow ${overflow} px)`);
      await saveScreenshot(p.page, `first-hour-demo-${width}-${colorScheme}`);
      const { violations } = await new AxeBuilder({ page: p.page }).analyze();
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(
        bad.map((v) => `${width} ${colorScheme}: ${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')})`),
        [],
      );
      await p.assertClean();
    }
  }
});
