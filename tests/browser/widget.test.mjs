// The <maillage-map> element in headless Chromium, against maillage-serve:
// loading, range requests, theming, resizing, errors and the panic hook.
// Run: scripts/test (builds everything first), or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { colourAt, manifest, nthEvent, nthRender, openPage, screenshot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;
let layers;

before(async () => {
  layers = (await manifest()).layers;
  server = await startServer();
  browser = await startBrowser({ deviceScaleFactor: 2 });
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** The first layer file, as the server's stats name it. */
const firstFilePath = () => `/layers/${layers[0].files[0].path}`;

/** Canvas size, frame size and the colour of the canvas's top-left pixel (background, off the map). */
const canvasState = (page) => page.evaluate(() => {
  const root = document.querySelector('maillage-map').shadowRoot;
  const canvas = root.querySelector('canvas');
  const frame = root.querySelector('.frame').getBoundingClientRect();
  const [r, g, b, a] = canvas.getContext('2d').getImageData(2, 2, 1, 1).data;
  return { width: canvas.width, height: canvas.height, frameWidth: frame.width,
    frameHeight: frame.height, dpr: devicePixelRatio, pixel: [r, g, b, a] };
});

describe('maillage-map', () => {
  test('paints the EPCI of Arras in the colour of its class', async () => {
    await server.fault('mode=none');
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    const first = await nthEvent(page);
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('field', 'illectronism_rate'));
    const events = [first, await nthEvent(page, 2)];
    assert.equal(events[1].type, 'maillage:ready', JSON.stringify(events));
    assert.equal(events[1].detail.field, 'illectronism_rate');
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    // CU d'Arras: 15.8 % (INSEE 2019); the town hall is well inside it.
    const { pixel, classes } = await colourAt(page, 2.7785, 50.2931);
    assert.equal(classes.length, 5);
    const k = classes.findIndex((c, i) => (i === 0 ? c.lower <= 15.8 : c.lower < 15.8) && 15.8 <= c.upper);
    assert.ok(k >= 0, JSON.stringify(classes));
    assert.equal(pixel, classes[k].colour, `Arras is in class ${k} (${JSON.stringify(classes[k])})`);
    // Paris has no INSEE rate: hatched no-data grey or its white hatching, never a class colour.
    const paris = await colourAt(page, 2.3522, 48.8566);
    assert.ok(!classes.some((c) => c.colour === paris.pixel), paris.pixel);
    await screenshot(page, 'arras');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a bad attribute value is an error naming it', async () => {
    const { page } = await openPage(browser.context, `${server.url}/carte.html`);
    await nthEvent(page);
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('classes', '12'));
    const e = await nthEvent(page, 2);
    assert.equal(e.type, 'maillage:error');
    assert.equal(e.detail.kind, 'bad-attribute');
    assert.match(e.detail.message, /classes="12"/);
    await page.close();
  });

  test('the manifest is fetched while the module loads, once for two maps', async () => {
    await server.resetStats();
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/deux-cartes.html`);
    await nthEvent(page, 2);
    const timing = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('resource')
      .filter((e) => /manifest\.json|maillage_bg\.wasm/.test(e.name))
      .map((e) => [e.name.replace(/^.*\//, ''), e.startTime])));
    // Asked before the module itself: the maps need it first.
    assert.ok(timing['manifest.json'] <= timing['maillage_bg.wasm'], JSON.stringify(timing));
    const stats = await server.stats();
    assert.equal(stats.paths['/layers/manifest.json'].requests, 1, 'two maps, one manifest request');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('loads the manifest, reads 12 bytes by range and draws', async () => {
    await server.fault('mode=none');
    await server.resetStats();
    // With the HTTP cache a visitor's browser has: a cached range of the
    // overview would turn its whole read into a range request, sent raw.
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`, { cache: true });
    const event = await nthEvent(page);
    assert.equal(event.type, 'maillage:ready', `got ${JSON.stringify(event)}`);
    assert.deepEqual(event.detail, { layers: layers.length, rangeBytes: 12, features: 1253, field: 'ifn_total' });

    const status = page.locator('maillage-map .status');
    assert.equal(await status.textContent(), `${layers.length} couches · 1\u202f253 territoires`);
    assert.equal(await status.getAttribute('role'), 'status');
    assert.equal(await status.getAttribute('aria-live'), 'polite');
    assert.equal(await page.evaluate(() => document.querySelector('maillage-map').shadowRoot.mode), 'open');

    // Canvas sized to its frame in device pixels; off the map, the theme background.
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    const s = await canvasState(page);
    assert.equal(s.dpr, 2);
    assert.equal(s.width, Math.round(s.frameWidth * 2));
    assert.equal(s.height, Math.round(s.frameHeight * 2));
    assert.deepEqual(s.pixel, [0xf4, 0xf2, 0xec, 255]);

    // The server saw the 12-byte range probe, then one whole read of the
    // overview, sent as its precompressed copy.
    const stats = (await server.stats()).paths[firstFilePath()];
    assert.ok(stats, `no request for ${firstFilePath()}`);
    assert.deepEqual(stats.status, { 200: 1, 206: 1 });
    const overview = layers.find((l) => l.id === 'epci').files[0];
    assert.equal(stats.bytes, 12 + overview.gzip_bytes);

    await screenshot(page, 'carte');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('lang="en": the interface speaks English, numbers written the English way', async () => {
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('lang', 'en'));
    assert.equal((await nthEvent(page, 2)).type, 'maillage:ready');
    const words = await page.evaluate(() => {
      const r = document.querySelector('maillage-map').shadowRoot;
      const t = (s) => r.querySelector(s).textContent;
      return { skip: t('.skip'), status: t('.status'), retry: t('.retry'), table: t('.show-table'),
        canvas: r.querySelector('canvas').getAttribute('aria-label'), legend: t('.legend .title') };
    });
    assert.deepEqual(words, {
      skip: 'Skip the map',
      status: `${layers.length} layers · 1,253 territories`,
      retry: 'Try again',
      table: 'Show the table of territories',
      canvas: 'Map of digital inclusion: arrows to move, + and − to zoom, N and P to go from one territory to the next',
      legend: words.legend,
    });
    assert.doesNotMatch(words.legend, /à|de \d/, words.legend);
    await page.locator('maillage-map').locator('.show-table').click();
    assert.equal(await page.locator('maillage-map').locator('.show-table').textContent(), 'Hide the table of territories');
    // A setting the map cannot use is said in English too.
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('view', '2.8 50.3 zoom'));
    const refused = await nthEvent(page, 3);
    assert.equal(refused.type, 'maillage:error');
    assert.equal(await page.locator('maillage-map').locator('.status').textContent(),
      'Error: attribute not understood: view="2.8 50.3 zoom": “zoom” is not a number');
    // Back to French (and to a usable view).
    await page.evaluate(() => {
      const map = document.querySelector('maillage-map');
      map.removeAttribute('view');
      map.removeAttribute('lang');
    });
    await page.waitForFunction(() => window.__maillageEvents.slice(3).some((e) => e.type === 'maillage:ready'));
    assert.equal(await page.locator('maillage-map').locator('.skip').textContent(), 'Passer la carte');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('names the server problem when Range is ignored on a large file', async () => {
    const size = layers[0].files[0].bytes;
    assert.ok(size > 256 * 1024, `first layer file (${size} B) must exceed the 256 KiB whole-body limit`);
    await server.fault('mode=no-range');
    try {
      const { page } = await openPage(browser.context, `${server.url}/carte.html`);
      const event = await nthEvent(page);
      assert.equal(event.type, 'maillage:error', `got ${JSON.stringify(event)}`);
      assert.equal(event.detail.kind, 'server-ignores-range');
      assert.match(event.detail.message, /Range/);
      assert.match(event.detail.message, new RegExp(`${size} octets`));

      const status = page.locator('maillage-map .status');
      assert.equal(await status.getAttribute('data-state'), 'error');
      assert.ok(await status.isVisible());
      assert.match(await status.textContent(), /^Erreur : .*ignore les requêtes partielles \(en-tête Range\)/);
      await screenshot(page, 'carte-no-range');
      await page.close();
    } finally {
      await server.fault('mode=none');
    }
  });

  test('a map built hidden fits its territory and unfolds its legend when shown; the reader\'s fold stays', async () => {
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    await page.setViewportSize({ width: 1000, height: 800 });
    assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
    // As a portal's tab not shown yet: the map starts at 0 × 0.
    await page.evaluate(() => {
      const tab = document.createElement('div');
      tab.hidden = true;
      tab.innerHTML = '<maillage-map id="tab-map" manifest="layers/manifest.json" territory="62"></maillage-map>';
      document.body.append(tab);
    });
    const ready = await nthEvent(page, 2);
    assert.deepEqual([ready.type, ready.id, ready.detail.features], ['maillage:ready', 'tab-map', 20]);
    const state = () => page.evaluate(() => {
      const map = document.getElementById('tab-map');
      const d = map.shadowRoot.querySelector('details.classes');
      const { width } = map.getBoundingClientRect();
      const [x, y] = map.project(2.7785, 50.2931); // Arras
      return { view: map.getView(), open: d.open, width, arras: [x, y] };
    });
    assert.equal((await state()).open, false, 'folded while 0 px wide');
    await page.evaluate(() => { document.getElementById('tab-map').parentElement.hidden = false; });
    await page.waitForFunction(() => document.getElementById('tab-map').getView().zoom > 7);
    const shown = await state();
    // Pas-de-Calais fitted beside the legend (zoom about 8.4 on 1,000 px),
    // Arras on the map, the classes unfolded as on any wide map.
    assert.ok(shown.view.zoom > 7.5 && shown.view.zoom < 9.5, JSON.stringify(shown));
    assert.ok(shown.arras[0] > 0 && shown.arras[0] < shown.width && shown.arras[1] > 0 && shown.arras[1] < 480, JSON.stringify(shown));
    assert.equal(shown.open, true);
    // The reader folds the classes; a narrow then wide container does
    // not unfold them again.
    await page.locator('#tab-map').locator('details.classes > summary').click();
    for (const width of ['400px', '']) {
      await page.evaluate((w) => { document.getElementById('tab-map').style.width = w; }, width);
      await page.waitForFunction(() => true, null, { polling: 'raf' });
      await page.waitForFunction(() => true, null, { polling: 'raf' });
      assert.equal((await state()).open, false, `folded by the reader, at width "${width}"`);
    }
    await screenshot(page, 'hidden-tab-shown');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a manifest given just after insertion (a framework) starts the map without an error; none at all is said', async () => {
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
    // Inserted bare, its manifest given in a microtask, then after a timer.
    await page.evaluate(() => {
      for (const [id, later] of [['micro', (f) => queueMicrotask(f)], ['timer', (f) => setTimeout(f, 0)]]) {
        const el = document.createElement('maillage-map');
        el.id = id;
        document.body.append(el);
        later(() => el.setAttribute('manifest', 'layers/manifest.json'));
      }
    });
    const events = [await nthEvent(page, 2), await nthEvent(page, 3)];
    assert.deepEqual(events.map((e) => e.type), ['maillage:ready', 'maillage:ready']);
    assert.deepEqual(events.map((e) => e.id).sort(), ['micro', 'timer']);
    // Never given: said, on the element and in its status line.
    await page.evaluate(() => {
      const el = document.createElement('maillage-map');
      el.id = 'bare';
      document.body.append(el);
    });
    const bare = await nthEvent(page, 4);
    assert.deepEqual([bare.type, bare.id, bare.detail.kind], ['maillage:error', 'bare', 'missing-manifest']);
    assert.match(await page.evaluate(() => document.getElementById('bare').shadowRoot.querySelector('.status').textContent),
      /attribut manifest absent : indiquez l'adresse de manifest\.json/);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a short map (a card of 260 × 200) keeps its territory in view: the switcher folds with the classes', async () => {
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    await page.setViewportSize({ width: 1000, height: 800 });
    assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
    await page.evaluate(() => {
      const card = document.createElement('div');
      card.style.width = '260px';
      card.innerHTML = '<maillage-map id="card-map" manifest="layers/manifest.json" style="--maillage-height: 200px"></maillage-map>';
      document.body.prepend(card);
    });
    assert.equal((await nthEvent(page, 2)).id, 'card-map');
    const state = () => page.evaluate(() => {
      const map = document.getElementById('card-map');
      const root = map.shadowRoot;
      const [x0, y0] = map.project(-4.8, 51.1); // France's north-west corner
      const [x1, y1] = map.project(8.2, 42.3); // and south-east
      return {
        zoom: map.getView().zoom,
        open: root.querySelector('details.classes').open,
        folded: root.querySelector('details.classes label.field select') !== null,
        legendBottom: root.querySelector('.legend').getBoundingClientRect().bottom - map.getBoundingClientRect().top,
        france: [x0, y0, x1, y1],
      };
    });
    await page.waitForFunction(() => document.getElementById('card-map').getView()?.zoom > 2);
    const small = await state();
    // Before, the switcher and the title covered 150 px of the 200 and
    // France was fitted into the strip left (zoom 0.6, off to the north-west).
    assert.equal(small.open, false);
    assert.equal(small.folded, true, 'the switcher is inside the folded classes');
    assert.ok(small.legendBottom < 100, JSON.stringify(small));
    assert.ok(small.zoom > 2.3 && small.zoom < 3.2, JSON.stringify(small));
    const [x0, y0, x1, y1] = small.france;
    assert.ok(x0 >= 0 && x1 <= 260 && y0 >= small.legendBottom - 1 && y1 <= 200, JSON.stringify(small));
    // Unfolded by the reader (here with the keyboard), the legend covers
    // the map; the map stays, and is the same once folded again.
    const summary = page.locator('#card-map').locator('details.classes > summary');
    await summary.press('Enter');
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    const opened = await state();
    assert.equal(opened.open, true);
    assert.equal(opened.zoom, small.zoom);
    await summary.click();
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    assert.equal((await state()).zoom, small.zoom);
    await screenshot(page, 'short-card-map');
    // Taller (a card that grows): the switcher leaves the fold.
    await page.evaluate(() => { document.getElementById('card-map').style.setProperty('--maillage-height', '480px'); });
    await page.waitForFunction(() => !document.getElementById('card-map').shadowRoot.querySelector('details.classes label.field'));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('follows attribute changes, theme and size; removal stops it cleanly', async () => {
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');

    // A manifest that does not exist: error event and message, then back.
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('manifest', 'layers/absent.json'));
    const missing = await nthEvent(page, 2);
    assert.equal(missing.type, 'maillage:error');
    assert.equal(missing.detail.kind, 'http-status');
    assert.match(missing.detail.message, /404/);
    // Text that is not JSON, then JSON that is not a manifest: the reader
    // (src/json.rs) says where and what.
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('manifest', 'carte.html'));
    const html = await nthEvent(page, 3);
    assert.equal(html.detail.kind, 'bad-manifest');
    assert.match(html.detail.message, /manifeste illisible : at byte 0: expected a value/);
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('manifest', 'layers/report.json'));
    const report = await nthEvent(page, 4);
    assert.equal(report.detail.kind, 'bad-manifest');
    assert.match(report.detail.message, /manifeste illisible : format: missing/);
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('manifest', 'layers/manifest.json'));
    assert.equal((await nthEvent(page, 5)).type, 'maillage:ready');

    // Theme colour and a new size: the resize observer redraws at the new size.
    await page.evaluate(() => {
      const el = document.querySelector('maillage-map');
      el.style.setProperty('--maillage-background', 'rgb(10, 20, 30)');
      el.style.width = '400px';
      el.style.setProperty('--maillage-height', '300px');
      // Out over the Atlantic: the top-left pixel is background whatever
      // room the fit left for the legend.
      el.setView(-12, 47, 6);
    });
    await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot
      .querySelector('canvas').width === 800, null, { timeout: 5_000 });
    const s = await canvasState(page);
    assert.deepEqual([s.width, s.height], [800, 600]);
    assert.deepEqual(s.pixel, [10, 20, 30, 255]);

    // Removed while loading, then re-inserted: no error, a fresh ready.
    await page.evaluate(() => {
      const el = document.querySelector('maillage-map');
      el.setAttribute('manifest', 'layers/manifest.json?again');
      el.remove();
      setTimeout(() => document.body.append(el), 50);
    });
    const again = await nthEvent(page, 6);
    assert.equal(again.type, 'maillage:ready', `got ${JSON.stringify(again)}`);
    await page.waitForTimeout(200);
    assert.equal(await page.evaluate(() => window.__maillageEvents.length), 6);
    // Chromium logs the 404 of the absent manifest itself; nothing else.
    assert.deepEqual(consoleErrors.filter((m) => !/status of 404/.test(m)), []);
    assert.equal(consoleErrors.length, 1);
    await page.close();
  });

  test('a Rust panic becomes a maillage:error event, a visible message, and a restart on a fresh module', async () => {
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
    const thrown = await page.evaluate(async () => {
      const wasm = await import('./pkg/maillage.js');
      try { wasm.__panicForTests(); return null; } catch (e) { return String(e); }
    });
    assert.match(thrown ?? '', /unreachable/);
    const event = await nthEvent(page, 2);
    assert.equal(event.type, 'maillage:error');
    assert.equal(event.detail.kind, 'panic');
    assert.match(event.detail.message, /panique demandée par les tests/);
    // The status line said so ("erreur interne de la carte…") until the
    // restart below replaced it, which can be within the same task.
    assert.ok(consoleErrors.some((m) => m.includes('panique demandée')), 'panic logged to the console');

    // maillage.js imports the module again and the map starts on it.
    const restarted = await nthEvent(page, 3);
    assert.equal(restarted.type, 'maillage:ready');
    assert.match(await page.locator('maillage-map .status').textContent(), /carte redémarrée après une erreur interne$/);
    const renders = await page.evaluate(() => window.__maillageRenders.length);
    await page.evaluate(() => document.querySelector('maillage-map').setView(2.78, 50.29, 8));
    const r = await nthRender(page, renders + 1, 20_000);
    assert.deepEqual([r.level, r.failed], ['medium', false]);
    assert.equal(consoleErrors.filter((m) => !m.includes('panique demandée') && !/unreachable/.test(m)).length, 0, consoleErrors.join('\n'));
    await screenshot(page, 'carte-redemarree');

    // Two more panics, two more restarts; the fourth is the last straw: the
    // message stays (no endless restarts on a module that keeps failing).
    for (const instance of [1, 2, 3]) {
      const events = await page.evaluate(() => window.__maillageEvents.length);
      await page.evaluate(async (n) => {
        const wasm = await import(`./pkg/maillage.js?instance=${n}`);
        try { wasm.__panicForTests(); } catch { /* the trap */ }
      }, instance);
      const next = await nthEvent(page, events + 1);
      assert.equal(next.detail.kind, 'panic', `panic ${instance + 1}`);
      if (instance < 3) assert.equal((await nthEvent(page, events + 2)).type, 'maillage:ready', `restart ${instance + 1}`);
    }
    await page.waitForTimeout(500);
    assert.match(await page.locator('maillage-map .status').textContent(), /^erreur interne de la carte/);
    await page.close();
  });
});
