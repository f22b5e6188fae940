// Hostile content (issue 6): a layer whose names, codes, titles, labels and
// units carry markup, scripts, bidirectional overrides and a 100,000
// character name (synthetic: tests/fgb_corpus/make.rs, served as
// www/hostile/), with a detailed level that is a broken file. Everything is
// shown as text, cut to a sensible length, never run; the broken level gets
// its own error while the map works on.
// Run: scripts/test (builds everything first), or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nthEvent, nthRender, openPage, screenshot, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

const PAGE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Hostile</title><link rel="icon" href="data:,">
  <script type="module" src="maillage.js"></script></head>
  <body><main><maillage-map manifest="hostile/manifest.json"></maillage-map></main></body></html>`;

/** Screen point (page coordinates) of lon/lat on the map. */
const at = (page, lon, lat) => page.evaluate(([lon, lat]) => {
  const el = document.querySelector('maillage-map');
  const [x, y] = el.project(lon, lat);
  const r = el.shadowRoot.querySelector('canvas').getBoundingClientRect();
  return { x: r.left + x, y: r.top + y };
}, [lon, lat]);

/** Text of a shadow-root element. */
const text = (page, selector) => page.evaluate((s) => document.querySelector('maillage-map').shadowRoot.querySelector(s)?.textContent ?? null, selector);

const BIDI = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]/;

describe('hostile content', () => {
  test('names, codes, labels and units are shown as text, cut, never run; a broken level has its own error', async () => {
    const context = env.browser.context;
    await context.route('**/contenu-hostile.html', (route) => route.fulfill({ body: PAGE, contentType: 'text/html; charset=utf-8' }));
    try {
      const { page, consoleErrors } = await openPage(context, `${env.server.url}/contenu-hostile.html`);
      const ready = await nthEvent(page, 1);
      assert.equal(ready.type, 'maillage:ready', JSON.stringify(ready));
      assert.equal(ready.detail.features, 20);

      // The legend's title: the label and unit as text, one line, no override.
      const title = await text(page, '.legend .title');
      assert.ok(title.startsWith('Taux <img src=x onerror="document.title=\'pwned\'">'), title);
      assert.ok(!BIDI.test(title), JSON.stringify(title));

      // Hover cell 0: the tooltip says the markup as text.
      const p0 = await at(page, 2.1, 50.1);
      await page.mouse.move(p0.x, p0.y);
      await page.waitForFunction(() => !document.querySelector('maillage-map').shadowRoot.querySelector('.tip').hidden);
      assert.match(await text(page, '.tip'), /^<img src=x onerror="document\.title='pwned'">Cellule 0 : 0,0/);

      // The table: every name as text, none longer than 120 characters.
      await page.locator('maillage-map').locator('button.show-table').click();
      const names = await page.evaluate(() => [...document.querySelector('maillage-map').shadowRoot
        .querySelectorAll('.table-view tbody th')].map((th) => th.textContent));
      assert.equal(names.length, 20);
      assert.ok(names.includes("<script>document.title='pwned'</script>Cellule 1"), names.slice(0, 6).join(' | '));
      assert.ok(names.includes("=cmd|' /C calc'!A0"));
      assert.ok(names.every((n) => [...n].length <= 120 && !BIDI.test(n)));

      // Selected from the table, cell 5 (a 100,000-character name): cut to
      // 120 characters in the detail panel.
      const row = (prefix) => page.locator('maillage-map').locator('.table-view tbody th button', { hasText: prefix }).first();
      await row('AAAAAAAAAA').click();
      await page.waitForFunction(() => /^A+…$/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.detail .name')?.textContent ?? ''));
      const long = await text(page, '.detail .name');
      assert.equal([...long].length, 120);
      // Cell 2: the right-to-left override is gone, the text reads in order.
      await row('exe.cod').click();
      await page.waitForFunction(() => /Cellule 2/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.detail .name').textContent));
      assert.equal(await text(page, '.detail .name'), 'exe.cod Cellule 2');
      await screenshot(page, 'contenu-hostile');

      // Nothing ran and no element came from the data.
      assert.equal(await page.title(), 'Hostile');
      assert.equal(await page.evaluate(() => document.querySelector('maillage-map').shadowRoot.querySelectorAll('img, script, svg, b, i').length), 0);

      // Zoomed in, the detailed level is a broken file: its error, the
      // overview still drawn under it.
      await page.evaluate(() => document.querySelector('maillage-map').setView(2.5, 50.3, 11.5));
      const r = await nthRender(page, 2, 20_000);
      assert.equal(r.failed, true);
      assert.match(r.error, /^couche hostile-detail\.fgb illisible : index reaches byte \d+, past the end of the file \(784 bytes\)$/);
      const error = await nthEvent(page, 2);
      assert.deepEqual([error.type, error.detail.kind], ['maillage:error', 'bad-layer']);
      await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelector('.status').dataset.state === 'error');
      assert.match(await text(page, '.status'), /^Détail indisponible, la carte reste à ce niveau : couche hostile-detail\.fgb illisible/);
      await page.locator('maillage-map').locator('canvas').scrollIntoViewIfNeeded();
      const centre = await at(page, 2.5, 50.3);
      await page.mouse.move(centre.x, centre.y);
      await page.waitForFunction(() => /Cellule 7/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.tip').textContent));
      await screenshot(page, 'contenu-hostile-niveau-casse');
      assert.deepEqual(consoleErrors, []);
      await page.close();
    } finally {
      await context.unroute('**/contenu-hostile.html');
    }
  });
});
