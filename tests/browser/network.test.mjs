// Bad networks and servers (issue 6): the static server misbehaves on
// demand (`/__fault`, see serve/src/fault.rs) and the widget tries again,
// says what failed, offers a retry button and recovers when the server is
// back, while the layers that work keep working.
// Run: scripts/test (builds everything first), or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nthEvent, nthRender, openPage, screenshot, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

/** Requests and statuses the server saw for one path since the last reset. */
const seen = async (path) => (await env.server.stats()).paths[path] ?? { requests: 0, status: {} };

/** The status line's state and text, and whether the retry button shows. */
const status = (page) => page.evaluate(() => {
  const root = document.querySelector('maillage-map').shadowRoot;
  const s = root.querySelector('.status');
  return { state: s.dataset.state, text: s.textContent, retry: !root.querySelector('.retry').hidden };
});

describe('bad networks and servers', () => {
  test('a server down for a moment is asked again; one that stays down gets a retry button', async () => {
    try {
      // Two failures (the page's early read and the widget's first try),
      // then the answer: the map loads without an error.
      await env.server.resetStats();
      await env.server.fault('mode=status&code=503&times=2&path=/layers/manifest.json');
      const blip = await openPage(env.browser.context, `${env.server.url}/carte.html`);
      assert.equal((await nthEvent(blip.page, 1)).type, 'maillage:ready');
      const manifest = await seen('/layers/manifest.json');
      assert.equal(manifest.requests, 3);
      assert.deepEqual(manifest.status, { 200: 1, 503: 2 });
      const ready = await status(blip.page);
      assert.deepEqual([ready.state, ready.retry], ['ready', false]);
      assert.deepEqual(blip.consoleErrors.filter((m) => !/503/.test(m)), []);
      await blip.page.close();

      // Down for good: three more tries (0.5, 2 and 5 s later), then the error.
      await env.server.resetStats();
      await env.server.fault('mode=status&code=500&path=/layers/manifest.json');
      const down = await openPage(env.browser.context, `${env.server.url}/carte.html`);
      const error = await nthEvent(down.page, 1, 20_000);
      assert.equal(error.type, 'maillage:error');
      assert.equal(error.detail.kind, 'http-status');
      assert.equal((await seen('/layers/manifest.json')).requests, 1 + 4);
      const shown = await status(down.page);
      assert.equal(shown.state, 'error');
      assert.match(shown.text, /^Erreur : lecture du manifeste impossible : le serveur a répondu 500$/);
      assert.equal(shown.retry, true);
      await screenshot(down.page, 'reseau-serveur-en-panne');

      // Back: the button loads the map.
      await env.server.fault('mode=none');
      await down.page.locator('maillage-map').locator('button.retry').click();
      assert.equal((await nthEvent(down.page, 2)).type, 'maillage:ready');
      assert.equal((await status(down.page)).retry, false);
      await down.page.close();
    } finally {
      await env.server.fault('mode=none');
    }
  });

  test('a server that does not answer is given up after 20 s and asked again', async () => {
    try {
      await env.server.fault('mode=stall&times=1&path=/layers/epci-overview.fgb');
      const started = Date.now();
      const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
      const ready = await nthEvent(page, 1, 45_000);
      const seconds = (Date.now() - started) / 1000;
      assert.equal(ready.type, 'maillage:ready', JSON.stringify(ready));
      assert.ok(seconds >= 19 && seconds < 40, `ready after ${seconds} s`);
      const shown = await status(page);
      assert.deepEqual([shown.state, shown.retry], ['ready', false]);
      assert.deepEqual(consoleErrors, []);
      await page.close();
    } finally {
      await env.server.fault('mode=none');
    }
  });

  test('a detailed file that fails keeps the map at its level, says so, and is read again on retry', async () => {
    try {
      const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
      assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
      await nthRender(page, 1);
      await env.server.resetStats();
      // Connections closed without an answer: tried 4 times, then given up.
      await env.server.fault('mode=reset&path=/layers/epci-medium.fgb');
      await page.evaluate(() => document.querySelector('maillage-map').setView(2.78, 50.29, 8));
      const failed = await nthRender(page, 2, 30_000);
      assert.equal(failed.failed, true);
      const shown = await status(page);
      assert.equal(shown.state, 'error');
      assert.match(shown.text, /^Détail indisponible, la carte reste à ce niveau : lecture de la couche epci-medium\.fgb impossible : erreur réseau/);
      assert.equal(shown.retry, true);
      // The overview is still drawn under the message: Arras is painted.
      const painted = await page.evaluate(() => {
        const el = document.querySelector('maillage-map');
        const canvas = el.shadowRoot.querySelector('canvas');
        const [x, y] = el.project(2.78, 50.29);
        const k = canvas.width / canvas.getBoundingClientRect().width;
        const [r, g, b] = canvas.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data;
        return [r, g, b];
      });
      assert.notDeepEqual(painted, [244, 242, 236], 'the map, not the background');
      await screenshot(page, 'reseau-detail-indisponible');

      await env.server.fault('mode=none');
      await page.locator('maillage-map').locator('button.retry').click();
      const again = await nthRender(page, 3, 30_000);
      assert.deepEqual([again.level, again.failed], ['medium', false]);
      assert.ok((await seen('/layers/epci-medium.fgb')).requests >= 2, 'read by range after the retry');
      const after = await status(page);
      assert.deepEqual([after.state, after.retry], ['ready', false]);
      const errors = await page.evaluate(() => window.__maillageEvents.filter((e) => e.type === 'maillage:error'));
      assert.equal(errors[0]?.detail.kind, 'network');
      assert.deepEqual(consoleErrors.filter((m) => !/ERR_EMPTY_RESPONSE|ERR_CONNECTION|Failed to load resource/.test(m)), []);
      await page.close();
    } finally {
      await env.server.fault('mode=none');
    }
  });

  test('a page scoped to départements whose detail fails is built from the overview', async () => {
    // Such a page builds its map from the detail alone when that comes
    // whole; without it, from the national overview, as a page not scoped.
    const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,">
      <script type="module" src="maillage.js"></script></head>
      <body><maillage-map manifest="layers/manifest.json" territory="62"></maillage-map></body></html>`;
    const context = env.browser.context;
    await context.route('**/portail-sans-detail.html', (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
    try {
      await env.server.resetStats();
      await env.server.fault('mode=reset&path=/layers/epci-medium.fgb');
      const { page, consoleErrors } = await openPage(context, `${env.server.url}/portail-sans-detail.html`);
      const events = () => page.evaluate(() => window.__maillageEvents.map((e) => [e.type, e.detail.kind ?? e.detail.features]));
      await page.waitForFunction(() => window.__maillageEvents.some((e) => e.type === 'maillage:ready'), null, { timeout: 30_000 });
      assert.deepEqual((await events()).find(([t]) => t === 'maillage:ready'), ['maillage:ready', 20]);
      assert.ok((await seen('/layers/epci-overview.fgb')).requests >= 1, 'the overview was read');
      // Built from it while the detail is still tried again (for seconds).
      assert.equal(await page.evaluate(() => window.__maillageRenders.length), 0);
      const failed = await nthRender(page, 1, 30_000);
      assert.equal(failed.failed, true);
      assert.match((await status(page)).text, /^Détail indisponible/);
      await env.server.fault('mode=none');
      await page.locator('maillage-map').locator('button.retry').click();
      const again = await nthRender(page, 2, 30_000);
      assert.deepEqual([again.level, again.failed], ['medium', false]);
      assert.deepEqual(consoleErrors.filter((m) => !/ERR_EMPTY_RESPONSE|ERR_CONNECTION|Failed to load resource/.test(m)), []);
      await page.close();
    } finally {
      await env.server.fault('mode=none');
      await context.unroute('**/portail-sans-detail.html');
    }
  });

  test('outlines that cannot be read leave the choropleth drawn, and come back on retry', async () => {
    try {
      await env.server.fault('mode=status&code=404&path=/layers/departements-overview.fgb');
      const { page } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
      assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
      const error = await nthEvent(page, 2);
      assert.deepEqual([error.type, error.detail.kind], ['maillage:error', 'http-status']);
      const shown = await status(page);
      assert.equal(shown.state, 'error');
      assert.equal(shown.text, 'Contours indisponibles : lecture de la couche departements-overview.fgb impossible : le serveur a répondu 404');
      assert.equal(shown.retry, true);
      // The choropleth is there, and the message stays after a new view.
      await page.evaluate(() => document.querySelector('maillage-map').setView(2.78, 50.29, 8));
      assert.equal((await nthRender(page, 2, 20_000)).level, 'medium');
      assert.equal((await status(page)).state, 'error');
      await env.server.fault('mode=none');
      await page.locator('maillage-map').locator('button.retry').click();
      assert.equal((await nthEvent(page, 3)).type, 'maillage:ready');
      const after = await status(page);
      assert.deepEqual([after.state, after.retry], ['ready', false]);
      await page.close();
    } finally {
      await env.server.fault('mode=none');
    }
  });

  test('places that cannot be read leave the map working, and come back on retry', async () => {
    try {
      await env.server.fault('mode=status&code=404&path=/layers/sites-table.bin');
      const { page } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
      assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
      await page.waitForFunction(() => /Lieux indisponibles/.test(
        document.querySelector('maillage-map').shadowRoot.querySelector('.places .count').textContent), null, { timeout: 15_000 });
      const shown = await status(page);
      assert.equal(shown.state, 'error');
      assert.match(shown.text, /^Lieux indisponibles : sites-table\.bin : le serveur a répondu 404$/);
      assert.equal(shown.retry, true);
      // The map still answers: a territory is selected with the keyboard.
      await page.locator('maillage-map').locator('canvas').focus();
      await page.keyboard.press('n');
      await page.waitForFunction(() => !document.querySelector('maillage-map').shadowRoot.querySelector('.detail').hidden);

      await env.server.fault('mode=none');
      await page.locator('maillage-map').locator('button.retry').click();
      await page.waitForFunction(() => /\d lieux?\b/.test(
        document.querySelector('maillage-map').shadowRoot.querySelector('.places .count').textContent), null, { timeout: 20_000 });
      assert.equal((await status(page)).retry, false);
      await page.close();
    } finally {
      await env.server.fault('mode=none');
    }
  });
  test('a module that cannot be fetched leaves the fallback text and says why', async () => {
    try {
      await env.server.fault('mode=status&code=404&times=1&path=/pkg/maillage_bg.wasm');
      const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
      const e = await nthEvent(page, 1);
      assert.equal(e.type, 'maillage:error', JSON.stringify(e));
      assert.equal(e.detail.kind, 'load');
      assert.match(e.detail.message, /404 .*maillage_bg\.wasm/);
      // The element was never defined: its fallback content stays.
      assert.equal(await page.evaluate(() => customElements.get('maillage-map')), undefined);
      assert.ok(consoleErrors.some((m) => /la carte n'a pas pu démarrer/.test(m)), consoleErrors.join(' | '));
      await page.close();
    } finally {
      await env.server.fault('mode=none');
    }
  });

  test('a module served without the application/wasm type still starts, with a warning', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, 'about:blank');
    const warnings = [];
    page.on('console', (m) => { if (m.type() === 'warning') warnings.push(m.text()); });
    await page.route('**/maillage_bg.wasm', async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, headers: { ...response.headers(), 'content-type': 'application/octet-stream' } });
    });
    await page.goto(`${env.server.url}/carte.html`);
    const e = await nthEvent(page, 1);
    assert.equal(e.type, 'maillage:ready', JSON.stringify(e));
    assert.equal(e.detail.features, 1253);
    assert.ok(warnings.some((m) => /maillage_bg\.wasm is not served as application\/wasm/.test(m)), warnings.join(' | '));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});
