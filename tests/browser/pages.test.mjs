// The demo pages as a partner would embed them: a portal scoped to its
// département, two independent maps on one page, a host page with hostile
// CSS, hover and selection. Run: scripts/test, or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { colourAt, nthEvent, openPage, screenshot, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

/** Colour of the canvas pixel under a lon/lat point of the map `selector`. */
const pixelAt = async (page, selector, lon, lat) => (await colourAt(page, lon, lat, selector)).pixel;

const legendColours = (page, selector) => page.evaluate((selector) =>
  [...document.querySelector(selector).shadowRoot.querySelectorAll('.legend button[data-class] .swatch')]
    .map((s) => getComputedStyle(s).backgroundColor), selector);

describe('demo pages', () => {
  test('the Pas-de-Calais portal shows only its 20 EPCIs, and its communes', async () => {
    await env.server.fault('mode=none');
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/portail-pas-de-calais.html`);
    await nthEvent(page, 2);
    const events = await page.evaluate(() => window.__maillageEvents);
    const ready = events.find((e) => e.id === 'carte-epci');
    assert.equal(ready?.type, 'maillage:ready', JSON.stringify(events));
    // 18 EPCIs wholly in 62, one shared with 59, one with 80.
    assert.equal(ready.detail.features, 20);
    assert.equal(ready.detail.field, 'illectronism_rate');
    const counts = await page.evaluate(() => [...document.querySelector('#carte-epci').shadowRoot
      .querySelectorAll('.legend button .count')].map((c) => c.textContent));
    const total = counts.reduce((n, c) => n + Number(c.replace(/\D/g, '')), 0);
    assert.equal(total, 20, `legend counts ${counts}`);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const colours = await legendColours(page, '#carte-epci');
    // In the CU d'Arras, 9 km south of the town hall: clear of its name.
    assert.ok(colours.includes(await pixelAt(page, '#carte-epci', 2.7785, 50.215)), 'the CU d\'Arras is drawn in a class colour');
    // Lille (Nord, not in the territory) is left as background.
    const background = await page.evaluate(() => getComputedStyle(document.querySelector('#carte-epci')
      .shadowRoot.querySelector('.frame')).backgroundColor);
    assert.equal(await pixelAt(page, '#carte-epci', 3.0573, 50.6292), background);
    // The communes map: the 62's communes (COG 2025), classed among
    // themselves, outlines read by range at the fitted zoom.
    const communes = events.find((e) => e.id === 'carte-communes');
    assert.equal(communes?.type, 'maillage:ready', JSON.stringify(events));
    assert.equal(communes.detail.features, 887);
    await page.waitForFunction(() => window.__maillageRenders.some((r) => r.level === 'medium' && r.file === 'communes-medium.fgb'));
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const communeColours = await legendColours(page, '#carte-communes');
    await page.locator('#carte-communes').scrollIntoViewIfNeeded();
    assert.ok(communeColours.includes(await pixelAt(page, '#carte-communes', 2.7785, 50.2931)), 'Arras is drawn in a class colour');
    assert.equal(await pixelAt(page, '#carte-communes', 3.0573, 50.6292), background);
    await screenshot(page, 'portail-62');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a page scoped to départements reads its detail beside the overview', async () => {
    // The manifest gives each département's box: the portal's maps know
    // their view before the overview is in, and their detailed level's
    // first reads leave with it, not after the map is built.
    const page = await env.browser.context.newPage();
    await page.addInitScript(() => {
      window.__readyAt = {};
      document.addEventListener('maillage:ready', (e) => { window.__readyAt[e.target.id] = performance.now(); }, true);
      window.__firstRender = {};
      document.addEventListener('maillage:render', (e) => {
        window.__firstRender[e.target.id] ??= { at: performance.now(), detail: e.detail,
          legend: e.target.shadowRoot.querySelector('.legend').textContent };
      }, true);
    });
    await page.goto(`${env.server.url}/portail-pas-de-calais.html`);
    await page.waitForFunction(() => Object.keys(window.__readyAt).length === 2, null, { timeout: 30_000 });
    const { readyAt, started } = await page.evaluate(() => {
      const first = (file) => Math.min(...performance.getEntriesByType('resource')
        .filter((e) => new URL(e.name).pathname.endsWith(`/layers/${file}`)).map((e) => e.startTime));
      return { readyAt: window.__readyAt, started: { epci: first('epci-medium.fgb'), communes: first('communes-medium.fgb') } };
    });
    assert.ok(started.epci < readyAt['carte-epci'], `EPCI detail at ${started.epci}, ready at ${readyAt['carte-epci']}`);
    assert.ok(started.communes < readyAt['carte-communes'], `communes detail at ${started.communes}, ready at ${readyAt['carte-communes']}`);
    // Their maps are built from that detail alone, classed among the
    // territory's features: the national overviews (1.4 MB for the
    // communes) are never read.
    await page.waitForFunction(() => Object.keys(window.__firstRender).length === 2, null, { timeout: 30_000 });
    const { first, overviews } = await page.evaluate(() => ({
      first: window.__firstRender,
      overviews: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname)
        .filter((p) => /-overview\.fgb$/.test(p)),
    }));
    assert.deepEqual(overviews, []);
    assert.deepEqual([first['carte-epci'].detail.level, first['carte-communes'].detail.level], ['medium', 'medium']);
    assert.match(first['carte-epci'].legend, /de 15,8\D+16,3\D+\(4\)/);
    assert.match(first['carte-communes'].legend, /\(181\)/);
    // Another field loads the map again, from the detail again (the map
    // shown meanwhile is not the one the new reads go to).
    await page.evaluate(() => {
      window.__again = null;
      const el = document.querySelector('#carte-epci');
      el.addEventListener('maillage:ready', (e) => { window.__again = e.detail.field; });
      el.setAttribute('field', 'ifn_total');
    });
    await page.waitForFunction(() => window.__again === 'ifn_total', null, { timeout: 30_000 });
    const overviewsAfter = await page.evaluate(() => performance.getEntriesByType('resource')
      .map((e) => new URL(e.name).pathname).filter((p) => /-overview\.fgb$/.test(p)));
    assert.deepEqual(overviewsAfter, []);
    await page.close();
  });

  test('two maps on one page are independent', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/deux-cartes.html`);
    // Both maps report, each with its own field (in whichever order they finish).
    await nthEvent(page, 2);
    const ready = (await page.evaluate(() => window.__maillageEvents))
      .map((e) => ({ id: e.id, type: e.type, field: e.detail.field }))
      .sort((a, b) => a.id.localeCompare(b.id));
    assert.deepEqual(ready, [
      { id: 'first', type: 'maillage:ready', field: 'ifn_total' },
      { id: 'second', type: 'maillage:ready', field: 'ifn_no_4g' },
    ]);
    // Zooming the first map leaves the second where it was.
    const before = await page.evaluate(() => document.querySelector('#second').getView());
    await page.evaluate(() => document.querySelector('#first').setView(2.78, 50.29, 8));
    await page.waitForTimeout(300);
    assert.deepEqual(await page.evaluate(() => document.querySelector('#second').getView()), before);
    assert.notDeepEqual(await legendColours(page, '#first'), await legendColours(page, '#second'), 'own palettes');
    await screenshot(page, 'deux-cartes');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('hostile host CSS does not break the map', async () => {
    const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,">
      <style>* { all: unset !important; } canvas { display: none !important; } div, p, button { color: red !important; }</style>
      <script type="module" src="maillage.js"></script></head>
      <body><maillage-map manifest="layers/manifest.json"></maillage-map></body></html>`;
    const context = env.browser.context;
    await context.route('**/hostile.html', (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
    const { page, consoleErrors } = await openPage(context, `${env.server.url}/hostile.html`);
    assert.equal((await nthEvent(page)).type, 'maillage:ready');
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    const s = await page.evaluate(() => {
      const canvas = document.querySelector('maillage-map').shadowRoot.querySelector('canvas');
      const r = canvas.getBoundingClientRect();
      return { display: getComputedStyle(canvas).display, width: r.width, height: r.height };
    });
    assert.equal(s.display, 'block');
    assert.ok(s.width > 300 && s.height >= 400, JSON.stringify(s));
    const colours = await legendColours(page, 'maillage-map');
    assert.ok(colours.includes(await pixelAt(page, 'maillage-map', 2.7785, 50.2931)), 'the map is drawn');
    await screenshot(page, 'hostile-css');
    assert.deepEqual(consoleErrors, []);
    await context.unroute('**/hostile.html');
    await page.close();
  });

  test('the field switcher redraws with another indicator', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
    assert.equal((await nthEvent(page)).detail.field, 'ifn_total');
    const select = page.locator('maillage-map .legend select');
    assert.equal(await select.getAttribute('class'), 'field-select');
    const options = await select.locator('option').allTextContents();
    assert.ok(options.includes("Taux d'illectronisme") && options.length >= 9, options.join(' | '));
    await select.selectOption('illectronism_rate');
    const next = await nthEvent(page, 2);
    assert.equal(next.detail.field, 'illectronism_rate');
    assert.equal(await page.evaluate(() => document.querySelector('maillage-map').getAttribute('field')), 'illectronism_rate');
    assert.match(await page.locator('maillage-map .legend .title').textContent(), /^Taux d'illectronisme/);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('hover shows a tooltip, a click selects and fires maillage:select', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
    await nthEvent(page);
    const at = await page.evaluate(() => {
      const el = document.querySelector('maillage-map');
      const [x, y] = el.project(2.7785, 50.2931);
      const r = el.shadowRoot.querySelector('canvas').getBoundingClientRect();
      return [r.left + x, r.top + y];
    });
    await page.mouse.move(at[0], at[1]);
    const tip = page.locator('maillage-map .tip');
    await tip.waitFor({ state: 'visible', timeout: 5_000 });
    // IFN index, French decimal comma, class in words.
    assert.match(await tip.textContent(), /^Communauté urbaine d'Arras : \d+,\d \(classe \d sur 5\)$/);
    // The listener is in place before the click (an evaluation left
    // pending could be set up after it on a busy machine, and wait forever).
    await page.evaluate(() => {
      window.__selected = new Promise((resolve) => document.querySelector('maillage-map')
        .addEventListener('maillage:select', (e) => resolve(e.detail), { once: true }));
    });
    await page.mouse.down();
    await page.mouse.up();
    const detail = await page.evaluate(() => window.__selected);
    assert.equal(detail.code, '200033579');
    assert.equal(detail.name, "Communauté urbaine d'Arras");
    const panel = page.locator('maillage-map .detail');
    assert.match(await panel.textContent(), /Communauté urbaine d'Arras.*classe \d sur 5/);
    await screenshot(page, 'selection');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});
