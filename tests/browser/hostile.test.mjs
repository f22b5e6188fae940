// Hostile content (issue 6): a layer whose names, codes, titles, labels and
// units carry markup, scripts, bidirectional overrides and a 100,000
// character name (synthetic: tests/fgb_corpus/make.rs, served as
// www/hostile/), with a detailed level that is a broken file. Everything is
// shown as text, cut to a sensible length, never run; the broken level gets
// its own error while the map works on.
// Run: scripts/test (builds everything first), or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { nthEvent, nthRender, openPage, ROOT, screenshot, useServerAndBrowser } from './harness.mjs';

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

/**
 * The corpus files a streamed read takes without error, as natively: the
 * valid ones, a count of 0 ("unknown": no index, nothing to stream), and a
 * leaf offset moved inside a feature (a merged range read splits by the
 * features' own lengths, so the shift goes unseen).
 */
const STREAMS_WITHOUT_ERROR = ['count-zero-with-index.fgb', 'index-leaf-offset-inside-a-feature.fgb', 'valid-long-title.fgb', 'valid.fgb'];

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

  test('every file of the broken-file corpus, as a detailed level, is its own error while the map works on', async () => {
    const dir = join(ROOT, 'tests', 'fgb-corpus');
    const names = readdirSync(dir).filter((n) => n.endsWith('.fgb')).sort();
    assert.equal(names.length, 43);
    // One manifest per file: the hostile overview, and the file as the detailed level.
    const base = JSON.parse(readFileSync(join(ROOT, 'tests', 'hostile-layers', 'manifest.json'), 'utf8'));
    const context = env.browser.context;
    await context.route('**/hostile/corpus/*.json', (route) => {
      const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop()).replace(/\.json$/, '.fgb');
      const m = structuredClone(base);
      // The detailed level from zoom 9, where the whole layer fits the map.
      const [overview, detail] = m.layers[0].files;
      overview.max_zoom = 9;
      detail.min_zoom = 9;
      detail.path = name;
      detail.bytes = statSync(join(dir, name)).size;
      return route.fulfill({ body: JSON.stringify(m), contentType: 'application/json' });
    });
    await context.route('**/corpus.html', (route) => route.fulfill({ body: PAGE.replace('hostile/manifest.json', `hostile/corpus/${names[0].replace('.fgb', '.json')}`), contentType: 'text/html; charset=utf-8' }));
    try {
      const { page, consoleErrors } = await openPage(context, `${env.server.url}/corpus.html`);
      const outcomes = {};
      for (const name of names) {
        const before = await page.evaluate(() => [window.__maillageEvents.length, window.__maillageRenders.length]);
        if (name !== names[0]) {
          await page.evaluate((n) => document.querySelector('maillage-map').setAttribute('manifest', `hostile/corpus/${n}`), name.replace('.fgb', '.json'));
        }
        const ready = await nthEvent(page, before[0] + 1);
        assert.equal(ready.type, 'maillage:ready', `${name}: ${JSON.stringify(ready.detail)}`);
        // The whole layer in view, at the detailed level.
        await page.evaluate(() => document.querySelector('maillage-map').setView(2.5, 50.4, 9));
        await page.waitForFunction(([k, n]) => window.__maillageRenders.slice(k).some((r) => r.file === n || r.failed),
          [before[1], name], { timeout: 20_000 });
        const r = await page.evaluate(([k, n]) => window.__maillageRenders.slice(k).find((r) => r.file === n || r.failed),
          [before[1], name]);
        const errors = await page.evaluate((k) => window.__maillageEvents.slice(k).filter((e) => e.type === 'maillage:error').map((e) => e.detail.message), before[0] + 1);
        // The overview is still there: the centre cell answers the pointer.
        const described = await page.evaluate(() => {
          const el = document.querySelector('maillage-map');
          const [x, y] = el.project(2.5, 50.3);
          const r = el.shadowRoot.querySelector('canvas').getBoundingClientRect();
          el.shadowRoot.querySelector('canvas').dispatchEvent(new PointerEvent('pointermove', { clientX: r.left + x, clientY: r.top + y, bubbles: true }));
          return el.shadowRoot.querySelector('.tip').textContent;
        });
        assert.match(described, /^Cellule 7 : /, `${name}: the overview answers`);
        outcomes[name] = { failed: r.failed, error: r.error ?? errors[0] ?? null };
      }
      for (const [name, o] of Object.entries(outcomes)) {
        if (STREAMS_WITHOUT_ERROR.includes(name)) {
          // As the native streamed reader (tests/fgb_corpus.rs, third column).
          assert.deepEqual(o, { failed: false, error: null }, name);
        } else {
          assert.equal(o.failed, true, `${name}: ${JSON.stringify(o)}`);
          assert.ok(o.error && o.error.includes(name), `${name}: the error names the file: ${o.error}`);
        }
      }
      console.log(Object.entries(outcomes).map(([n, o]) => `${n}: ${o.error ?? 'ok'}`).join('\n'));

      // A server that ignores Range, on a small file: it is read whole once
      // and sliced, and the map draws its detail without an error.
      await env.server.fault('mode=no-range&path=/hostile/corpus/valid.fgb');
      const before = await page.evaluate(() => [window.__maillageEvents.length, window.__maillageRenders.length]);
      await page.evaluate(() => document.querySelector('maillage-map').setAttribute('manifest', './hostile/corpus/valid.json'));
      assert.equal((await nthEvent(page, before[0] + 1)).type, 'maillage:ready');
      await page.evaluate(() => document.querySelector('maillage-map').setView(2.5, 50.4, 9));
      await page.waitForFunction((k) => window.__maillageRenders.slice(k).some((r) => r.file === 'valid.fgb' || r.failed), before[1], { timeout: 20_000 });
      const whole = await page.evaluate((k) => window.__maillageRenders.slice(k).find((r) => r.file === 'valid.fgb' || r.failed), before[1]);
      assert.deepEqual([whole.failed, whole.error, whole.features], [false, null, 20]);
      const served = (await env.server.stats()).paths['/hostile/corpus/valid.fgb'].status;
      assert.ok(served['200'] >= 1, `answered whole: ${JSON.stringify(served)}`);
      assert.equal(await page.evaluate((k) => window.__maillageEvents.slice(k).filter((e) => e.type === 'maillage:error').length, before[0]), 0);
      assert.deepEqual(consoleErrors.filter((m) => !/Failed to load resource/.test(m)), []);
      await page.close();
    } finally {
      await env.server.fault('mode=none');
      await context.unroute('**/hostile/corpus/*.json');
      await context.unroute('**/corpus.html');
    }
  });
});
