// Detailed levels streamed by range: zooming in over Arras reads a small
// part of epci-medium.fgb with 206 answers only, draws it in the overview's
// colours, panning asks only for new ranges, and panning back for none.
// Run: scripts/test, or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { colourAt, manifest, nthEvent, nthRender, openPage, screenshot, startBrowser, startServer, withoutCache } from './harness.mjs';

let server;
let browser;
let layers;

before(async () => {
  layers = (await manifest()).layers;
  server = await startServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const ARRAS = [2.7785, 50.2931];
/** In the CU d'Arras (Boisleux), 9 km south of the town hall: clear of its name at zoom 8. */
const ARRAS_SOUTH = [2.7785, 50.215];
const MEDIUM = '/layers/epci-medium.fgb';

/** carte.html, once ready, moved to Arras at zoom 8. */
async function arrasAtZoom8() {
  const opened = await openPage(browser.context, `${server.url}/carte.html`);
  await nthEvent(opened.page);
  await opened.page.evaluate(([lon, lat]) => document.querySelector('maillage-map').setView(lon, lat, 8), ARRAS);
  return opened;
}

/** The map's canvas box in the page, CSS pixels. */
const canvasBox = (page) => page.evaluate(() => {
  const r = document.querySelector('maillage-map').shadowRoot.querySelector('canvas').getBoundingClientRect();
  return { x: r.x, y: r.y, w: r.width, h: r.height };
});

/** Resolves after two animation frames of the page (a redraw requested before has run). */
const frames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

/** Per-path counters of the server, minus those of `before`. */
const delta = (now, before) => Object.fromEntries(Object.entries(now.paths)
  .filter(([p]) => p.startsWith('/layers/'))
  .map(([p, s]) => {
    const b = before.paths[p] ?? { requests: 0, bytes: 0, status: {} };
    const status = Object.fromEntries(Object.entries(s.status)
      .map(([k, v]) => [k, v - (b.status[k] ?? 0)]).filter(([, v]) => v > 0));
    return [p, { requests: s.requests - b.requests, bytes: s.bytes - b.bytes, status }];
  })
  .filter(([, s]) => s.requests > 0));

describe('detailed levels by range', () => {
  test('zooming in over Arras reads a quarter of epci-medium at most, by 206', async () => {
    await server.fault('mode=none');
    const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
    // Every Range header the page sends, by file.
    const ranges = [];
    page.on('request', (r) => {
      const range = r.headers().range;
      if (range) ranges.push({ path: new URL(r.url()).pathname, range });
    });
    assert.equal((await nthEvent(page)).type, 'maillage:ready');
    const first = await nthRender(page, 1);
    assert.deepEqual([first.level, first.requests, first.bytes, first.features], ['overview', 0, 0, 1253]);
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    const { classes, pixel: overviewPixel } = await colourAt(page, ...ARRAS_SOUTH);
    assert.ok(classes.some((c) => c.colour === overviewPixel), overviewPixel);
    // The status line shows progress while a view loads.
    await page.evaluate(() => {
      const status = document.querySelector('maillage-map').shadowRoot.querySelector('.status');
      window.__statuses = [];
      new MutationObserver(() => window.__statuses.push(status.textContent))
        .observe(status, { childList: true, characterData: true, subtree: true });
    });

    const s0 = await server.stats();
    await page.evaluate(([lon, lat]) => document.querySelector('maillage-map').setView(lon, lat, 8), ARRAS);
    const zoomed = await nthRender(page, 2);
    assert.equal(zoomed.level, 'medium');
    assert.equal(zoomed.file, 'epci-medium.fgb');
    assert.equal(zoomed.failed, false);
    assert.ok(zoomed.features > 50 && zoomed.features < 400, JSON.stringify(zoomed));
    const s1 = await server.stats();
    const d1 = delta(s1, s0);
    const size = layers.find((l) => l.id === 'epci').files.find((f) => f.path === 'epci-medium.fgb').bytes;
    const medium = d1[MEDIUM];
    assert.ok(medium, JSON.stringify(d1));
    assert.deepEqual(medium.status, { 206: medium.requests }, 'range requests only');
    assert.ok(medium.bytes < size / 4, `${medium.bytes} of ${size} bytes`);
    // The event counts what the server sent for both streamed layers.
    assert.deepEqual(Object.keys(d1).sort(), ['/layers/departements-medium.fgb', MEDIUM]);
    const sum = (k) => Object.values(d1).reduce((n, s) => n + s[k], 0);
    assert.equal(zoomed.requests, sum('requests'));
    assert.equal(zoomed.bytes, sum('bytes'));
    console.log(`zoom 8 over Arras: ${medium.requests} requests, ${medium.bytes} of ${size} bytes of epci-medium.fgb;`
      + ` ${zoomed.requests} requests, ${zoomed.bytes} bytes in all, ${Math.round(zoomed.ms)} ms`);

    const statuses = await page.evaluate(() => window.__statuses);
    assert.ok(statuses.some((t) => /^Chargement… \d+\/\d+$/.test(t)), JSON.stringify(statuses));
    assert.match(await page.locator('maillage-map .status').textContent(), /· détail moyen$/);
    assert.deepEqual(await page.evaluate(() => {
      const v = document.querySelector('maillage-map').getView();
      return [Math.round(v.lon * 1000) / 1000, Math.round(v.lat * 1000) / 1000, v.zoom];
    }), [2.779, 50.293, 8]);

    // Same classes as the overview's: Arras keeps its class colour.
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    const arras = await colourAt(page, ...ARRAS_SOUTH);
    assert.deepEqual(arras.classes, classes);
    assert.equal(arras.pixel, overviewPixel);
    await screenshot(page, 'stream-arras');

    // A neighbouring view: new ranges only (the header, the index nodes and
    // the features already read are cached).
    const seen = ranges.filter((r) => r.path === MEDIUM).map((r) => r.range);
    await page.evaluate(() => document.querySelector('maillage-map').setView(5.0, 49.6, 8));
    const panned = await nthRender(page, 3);
    const d2 = delta(await server.stats(), s1);
    assert.equal(panned.level, 'medium');
    assert.ok(d2[MEDIUM]?.requests > 0, JSON.stringify(d2));
    assert.deepEqual(d2[MEDIUM].status, { 206: d2[MEDIUM].requests });
    assert.equal(panned.requests, Object.values(d2).reduce((n, s) => n + s.requests, 0));
    const span = (h) => h.match(/^bytes=(\d+)-(\d*)$/).slice(1).map((x) => (x === '' ? Infinity : Number(x)));
    const fresh = ranges.filter((r) => r.path === MEDIUM).map((r) => r.range).slice(seen.length);
    assert.equal(fresh.length, d2[MEDIUM].requests);
    for (const r of fresh) {
      const [a, b] = span(r);
      assert.ok(a >= 12, `prefix or header read again: ${r}`);
      for (const old of seen) {
        const [c, d] = span(old);
        assert.ok(b < c || a > d, `${r} overlaps ${old}, read before`);
      }
    }

    // Back over Arras: everything is in memory.
    const s2 = await server.stats();
    await page.evaluate(([lon, lat]) => document.querySelector('maillage-map').setView(lon, lat, 8), ARRAS);
    const back = await nthRender(page, 4);
    assert.deepEqual([back.level, back.requests, back.bytes], ['medium', 0, 0]);
    assert.deepEqual(delta(await server.stats(), s2), {});

    // Zooming out: the overview again, without a request.
    await page.evaluate(() => document.querySelector('maillage-map').setView(2.5, 46.5, 5));
    const out = await nthRender(page, 5);
    assert.deepEqual([out.level, out.requests], ['overview', 0]);
    assert.equal(await page.evaluate(() => window.__maillageEvents.length), 1, 'no error event');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a newer view cancels the fetches of the previous one', async () => {
    // Slow answers so that the first view is still loading when the second comes.
    await server.fault('mode=slow&bps=200000&path=/layers/epci-medium.fgb');
    try {
      const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
      assert.equal((await nthEvent(page)).type, 'maillage:ready');
      await nthRender(page, 1);
      await page.evaluate(() => {
        const el = document.querySelector('maillage-map');
        el.setView(2.78, 50.29, 8);
        setTimeout(() => el.setView(-1.55, 47.22, 8.5), 150);
      });
      const r = await nthRender(page, 2, 30_000);
      await page.waitForTimeout(300);
      // Only the newer view reports; the map shows Nantes.
      assert.equal(await page.evaluate(() => window.__maillageRenders.length), 2);
      assert.equal(r.level, 'medium');
      const v = await page.evaluate(() => document.querySelector('maillage-map').getView());
      assert.deepEqual([Math.round(v.lon * 100) / 100, v.zoom], [-1.55, 8.5]);
      assert.equal(await page.evaluate(() => window.__maillageEvents.length), 1, 'no error event');
      assert.deepEqual(consoleErrors, []);
      await page.close();
    } finally {
      await server.fault('mode=none');
    }
  });

  /** carte.html opened on Arras at zoom 8 by a `view` attribute set before the element starts. */
  async function openOnArras() {
    const page = await browser.context.newPage();
    // Every read goes to the server (an earlier test's ranges are cached).
    await withoutCache(await browser.context.newCDPSession(page));
    const consoleErrors = [];
    const warnings = [];
    page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
      if (m.type() === 'warning') warnings.push(m.text());
    });
    const ranges = [];
    page.on('request', (r) => {
      const range = r.headers().range;
      if (range) ranges.push({ path: new URL(r.url()).pathname, range });
    });
    // Set before the element starts, as a page that opens on Arras does.
    await page.addInitScript(([lon, lat]) => {
      window.__renders = [];
      window.__ready = false;
      document.addEventListener('maillage:render', (e) => window.__renders.push(e.detail), true);
      document.addEventListener('maillage:ready', () => { window.__ready = true; }, true);
      // Parsing has ended, module scripts have not run: the element has not started.
      document.addEventListener('readystatechange', () => {
        if (document.readyState === 'interactive') document.querySelector('maillage-map').setAttribute('view', `${lon} ${lat} 8`);
      });
    }, ARRAS);
    await page.goto(`${server.url}/carte.html`);
    return { page, consoleErrors, warnings, ranges };
  }

  test('a view attribute loads its detailed level beside the overview', async () => {
    await server.fault('mode=none');
    const { page, consoleErrors, ranges } = await openOnArras();
    await page.waitForFunction(() => window.__renders.length >= 1);
    const first = await page.evaluate(() => window.__renders[0]);
    // The first complete view is the detailed one: no overview-only render before it.
    assert.equal(first.level, 'medium', JSON.stringify(first));
    assert.equal(first.failed, false);
    const v = await page.evaluate(() => document.querySelector('maillage-map').getView());
    // The centre goes through Web Mercator and back: equal to 1e-9 degrees.
    assert.ok(Math.abs(v.lon - ARRAS[0]) < 1e-9 && Math.abs(v.lat - ARRAS[1]) < 1e-9 && v.zoom === 8, JSON.stringify(v));
    // The first read of epci-medium.fgb is its head: prefix, a 4 KiB header
    // allowance and the whole index of the 1,253 EPCIs (1,338 nodes).
    const medium = ranges.filter((r) => r.path === MEDIUM);
    assert.equal(medium[0].range, `bytes=0-${12 + 4096 + 1338 * 40 - 1}`);
    // The rest are feature ranges: no further index request, all past the head.
    assert.equal(medium.length, first.requests - ranges.filter((r) => r.path.includes('departements-medium')).length);
    for (const r of medium.slice(1)) assert.ok(Number(r.range.match(/bytes=(\d+)/)[1]) >= 12 + 4096 + 1338 * 40, r.range);
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    await screenshot(page, 'view-attribute-arras');
    const { classes, pixel } = await colourAt(page, ...ARRAS_SOUTH);
    assert.ok(classes.some((c) => c.colour === pixel), pixel);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a view attribute draws its region, classed from the values file, before the overview arrives', async () => {
    // The national overview trickles (20 KB/s: its 166 KB gzip copy takes
    // 8 s); the detail and the drawn field's column (5 KB) do not.
    await server.fault('mode=slow&bps=20000&path=/layers/epci-overview.fgb');
    try {
      const { page, consoleErrors, ranges } = await openOnArras();
      await page.waitForFunction(() => window.__renders.length >= 1);
      await page.waitForFunction(() => true, null, { polling: 'raf' });
      // The region is drawn and its legend shown; the map is not ready yet.
      const early = await page.evaluate(() => {
        const el = document.querySelector('maillage-map');
        const canvas = el.shadowRoot.querySelector('canvas');
        window.__early = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
        const legend = [...el.shadowRoot.querySelectorAll('.legend button[data-class]')].map((b) => b.textContent);
        const status = el.shadowRoot.querySelector('.status').textContent;
        return { render: window.__renders[0], ready: window.__ready, legend, status };
      });
      assert.equal(early.ready, false, 'the overview is still coming');
      assert.equal(early.status, 'Chargement de la carte…');
      assert.equal(early.render.level, 'medium', JSON.stringify(early.render));
      assert.equal(early.render.failed, false);
      assert.equal(early.legend.length, 5, JSON.stringify(early.legend));
      // One range of the values file: the drawn field's column, 1,246 floats.
      const values = ranges.filter((r) => r.path === '/layers/epci-values.bin');
      assert.equal(values.length, 1);
      assert.match(values[0].range, /^bytes=\d+-\d+$/);
      const [from, to] = values[0].range.slice(6).split('-').map(Number);
      assert.equal(to - from + 1, 1246 * 4);
      await screenshot(page, 'view-attribute-before-overview');
      await page.waitForFunction(() => window.__ready, null, { timeout: 60_000 });
      await page.waitForFunction(() => true, null, { polling: 'raf' });
      // Arras was painted in its class's colour, the same once the overview is in.
      const { classes, pixel } = await colourAt(page, ...ARRAS_SOUTH);
      const before = await page.evaluate(([lon, lat]) => {
        const el = document.querySelector('maillage-map');
        const canvas = el.shadowRoot.querySelector('canvas');
        const [x, y] = el.project(lon, lat);
        const k = canvas.width / canvas.getBoundingClientRect().width;
        const i = (Math.round(y * k) * window.__early.width + Math.round(x * k)) * 4;
        const [r, g, b] = window.__early.data.slice(i, i + 3);
        return `rgb(${r}, ${g}, ${b})`;
      }, ARRAS_SOUTH);
      assert.ok(classes.some((c) => c.colour === pixel), `${pixel} not in ${JSON.stringify(classes)}`);
      assert.equal(before, pixel);
      // Built, the map says what it read and the level it shows.
      const status = await page.evaluate(() => document.querySelector('maillage-map').shadowRoot.querySelector('.status').textContent);
      assert.match(status, /^5 couches · 1\s253 territoires · détail moyen$/);
      assert.deepEqual(await page.evaluate(() => window.__renders.length), 1, 'one render for one view');
      assert.deepEqual(consoleErrors, []);
      await page.close();
    } finally {
      await server.fault('mode=none');
    }
  });

  test('another field on a page with a view attribute draws its region at once, then the map', async () => {
    // The element loads again and keeps its previous map meanwhile: the new
    // preview is drawn over it, and the overview read once it is complete
    // (not after the preview's longest wait, a second).
    const { page, consoleErrors } = await openOnArras();
    await page.waitForFunction(() => window.__ready, null, { timeout: 30_000 });
    const asked = await page.evaluate(() => {
      window.__ready = false;
      window.__readyAt = null;
      document.addEventListener('maillage:ready', () => { window.__readyAt ??= performance.now(); }, true);
      document.querySelector('maillage-map').setAttribute('field', 'ifn_no_4g');
      return performance.now();
    });
    await page.waitForFunction(() => window.__ready, null, { timeout: 30_000 });
    const { readyAt, renders, title } = await page.evaluate(() => ({
      readyAt: window.__readyAt,
      renders: window.__renders.length,
      title: document.querySelector('maillage-map').shadowRoot.querySelector('.legend summary')?.textContent ?? '',
    }));
    assert.ok(readyAt - asked < 800, `ready ${Math.round(readyAt - asked)} ms after the switch`);
    assert.equal(renders, 2, 'the new view load reported');
    assert.match(title, /4G/);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('without its values file a view attribute waits for the overview and says why', async () => {
    await server.fault('mode=status&code=404&path=/layers/epci-values.bin');
    try {
      const { page, consoleErrors, warnings } = await openOnArras();
      await page.waitForFunction(() => window.__renders.length >= 1 && window.__ready);
      const first = await page.evaluate(() => window.__renders[0]);
      assert.equal(first.level, 'medium');
      assert.equal(first.failed, false);
      const { classes, pixel } = await colourAt(page, ...ARRAS_SOUTH);
      assert.ok(classes.some((c) => c.colour === pixel), pixel);
      // Only the browser's own line about the 404.
      assert.deepEqual(consoleErrors, ['Failed to load resource: the server responded with a status of 404 (Not Found)']);
      await page.close();
      assert.ok(warnings.some((w) => w.includes('epci-values.bin') && w.includes('404')), JSON.stringify(warnings));
    } finally {
      await server.fault('mode=none');
    }
  });

  test('a view attribute whose detail is slow shows the overview meanwhile', async () => {
    // The map's first drawing waits for the detail, but not longer than a
    // progress interval: here the detailed file trickles (20 KB/s, its
    // 58 KB head alone takes 3 s).
    await server.fault('mode=slow&bps=20000&path=/layers/epci-medium.fgb');
    try {
      const { page, consoleErrors } = await openOnArras();
      await page.waitForFunction(() => window.__ready);
      await page.waitForTimeout(500);
      assert.deepEqual(await page.evaluate(() => window.__renders), [], 'the detail is still coming');
      // Arras is painted in its class's colour: the overview's.
      const { classes, pixel } = await colourAt(page, ...ARRAS_SOUTH);
      assert.ok(classes.some((c) => c.colour === pixel), `${pixel} not in ${JSON.stringify(classes.map((c) => c.colour))}`);
      await page.close();
      assert.deepEqual(consoleErrors, []);
    } finally {
      await server.fault('mode=none');
    }
  });

  test('two fingers pinch to zoom around their midpoint', async () => {
    const { page, consoleErrors } = await arrasAtZoom8();
    const box = await canvasBox(page);
    const cy = box.y + box.h / 2;
    const cx = box.x + box.w / 2;
    assert.equal((await page.evaluate(() => document.querySelector('maillage-map').getView())).zoom, 8);
    // Real touch input through the DevTools protocol: two fingers 100 px
    // apart spread to 400 px apart, about the map's centre.
    const cdp = await browser.context.newCDPSession(page);
    await cdp.send('Emulation.setTouchEmulationEnabled', { enabled: true, maxTouchPoints: 5 });
    const touch = (type, half) => cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [
        { x: cx - half, y: cy, id: 1 },
        { x: cx + half, y: cy, id: 2 },
      ],
    });
    await touch('touchStart', 50);
    for (let half = 60; half <= 200; half += 10) await touch('touchMove', half);
    await touch('touchEnd', 200);
    await page.waitForFunction(() => true, null, { polling: 'raf' });
    const after = await page.evaluate(() => document.querySelector('maillage-map').getView());
    // Four times the distance: two levels in, the centre kept.
    assert.ok(Math.abs(after.zoom - 10) < 0.05, JSON.stringify(after));
    assert.ok(Math.abs(after.lon - ARRAS[0]) < 0.01 && Math.abs(after.lat - ARRAS[1]) < 0.01, JSON.stringify(after));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a drag moves the last picture, and the map is drawn in full on release', async () => {
    const { page, consoleErrors } = await arrasAtZoom8();
    await nthRender(page, 2);
    await frames(page);
    /** Colour of the canvas at CSS (x, y) from the canvas's corner, and the background. */
    const sample = (x, y) => page.evaluate(([x, y]) => {
      const el = document.querySelector('maillage-map');
      const canvas = el.shadowRoot.querySelector('canvas');
      const k = canvas.width / canvas.getBoundingClientRect().width;
      return Array.from(canvas.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data).join(',');
    }, [x, y]);
    const box = await canvasBox(page);
    const arras = await page.evaluate(([lon, lat]) => document.querySelector('maillage-map').project(lon, lat), ARRAS);
    const before = await sample(arras[0], arras[1]);
    const background = 'rgb(244, 242, 236)';
    await page.mouse.move(box.x + 450, box.y + 300);
    await page.mouse.down();
    // Upwards: the strip uncovered at the bottom is land (Île-de-France).
    for (let i = 1; i <= 10; i += 1) await page.mouse.move(box.x + 450, box.y + 300 - i * 10);
    await frames(page);
    // While dragging: Arras's colour 100 px higher, the uncovered strip at
    // the bottom shows the background (the picture was moved).
    assert.equal(await sample(arras[0], arras[1] - 100), before);
    const strip = await sample(450, box.h - 40);
    const rgb = (s) => `rgb(${s.split(',').slice(0, 3).join(', ')})`;
    assert.equal(rgb(strip), background);
    await page.mouse.up();
    await frames(page);
    // Released: drawn in full, the strip shows the map again.
    assert.notEqual(rgb(await sample(450, box.h - 40)), background);
    assert.equal(await sample(arras[0], arras[1] - 100), before);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('setView refuses bad numbers', async () => {
    const { page } = await openPage(browser.context, `${server.url}/carte.html`);
    await nthEvent(page);
    const thrown = await page.evaluate(() => {
      try { document.querySelector('maillage-map').setView(2, 50, 40); return null; } catch (e) { return String(e); }
    });
    assert.match(thrown ?? '', /zoom 40/);
    await page.close();
  });
});
