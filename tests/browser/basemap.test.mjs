// The optional raster basemap (`basemap`, `basemap-attribution`) in headless
// Chromium. The tiles are SYNTHETIC, made here at request time: each a flat
// colour derived from z/x/y with a dark 1 px border (so the grid shows where
// the widget puts each tile), encoded as PNG with node's zlib, served by a
// small node server on 127.0.0.1 that counts requests and answers CORS — a
// different origin from the page, as a real tile server is.
// Run: scripts/test, or `node --test tests/browser/basemap.test.mjs`.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { colourAt, nthEvent, openPage, screenshot, startBrowser, startServer, within } from './harness.mjs';

// --- Synthetic PNG tiles --------------------------------------------------

const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
const crc32 = (bytes) => {
  let c = -1;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
};
const chunk = (type, data) => {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
};

/** A `size`² RGB PNG of colour `fill` with a 1 px frame of colour `border`. */
function png(size, fill, border) {
  const row = size * 3 + 1;
  const raw = Buffer.alloc(row * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const edge = x === 0 || y === 0 || x === size - 1 || y === size - 1;
      raw.set(edge ? border : fill, y * row + 1 + x * 3);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8 bits, RGB, deflate, no filter, no interlace
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const BORDER = [40, 40, 40];
/** The synthetic colour of tile z/x/y: neighbours differ, never the background. */
const tileColour = (z, x, y) => [120 + ((x * 47) % 120), 120 + ((y * 83) % 120), 200 - z * 5];

/** Node server of synthetic tiles at /z/x/y.png; `missing` paths answer 404. */
async function startTileServer() {
  const requests = [];
  const missing = new Set();
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://127.0.0.1').pathname;
    requests.push(path);
    const cors = { 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' };
    const m = /^\/(\d+)\/(\d+)\/(\d+)\.png$/.exec(path);
    if (!m || missing.has(path)) {
      res.writeHead(404, cors);
      res.end();
      return;
    }
    const [z, x, y] = m.slice(1).map(Number);
    res.writeHead(200, { ...cors, 'Content-Type': 'image/png' });
    res.end(png(256, tileColour(z, x, y), BORDER));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    requests,
    missing,
    stop: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

// --- Web Mercator tiles, written independently of the Rust core -----------

const worldX = (lon) => (lon + 180) / 360;
const worldY = (lat) => {
  const s = Math.sin((lat * Math.PI) / 180);
  return 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI);
};
const latOfY = (y) => (Math.atan(Math.sinh(Math.PI * (1 - 2 * y))) * 180) / Math.PI;
/** Integer tile zoom drawn at a camera zoom (the nearest; max 19). */
const tileZoom = (zoom) => Math.min(19, Math.round(zoom));
/** Tile z/x/y containing a point. */
const tileAt = (z, lon, lat) => [z, Math.floor(worldX(lon) * 2 ** z), Math.floor(worldY(lat) * 2 ** z)];
const path = ([z, x, y]) => `/${z}/${x}/${y}.png`;

/** Paths of the tiles covering a view {lon, lat, zoom} of width × height CSS px. */
function coverPaths({ lon, lat, zoom }, width, height) {
  const z = tileZoom(zoom);
  const n = 2 ** z;
  const scale = 256 * 2 ** zoom;
  const span = (c, half) => {
    const first = Math.max(0, Math.floor((c - half / scale) * n));
    const last = Math.min(n - 1, Math.ceil((c + half / scale) * n) - 1);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  };
  const out = [];
  for (const y of span(worldY(lat), height / 2)) for (const x of span(worldX(lon), width / 2)) out.push(path([z, x, y]));
  return out.sort();
}

// --- Test plumbing ----------------------------------------------------------

let server;
let tiles;
let browser;

before(async () => {
  server = await startServer();
  tiles = await startTileServer();
  browser = await startBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await tiles?.stop();
});

const rgb = (text) => text.match(/\d+/g).map(Number);
const close = (a, b, tolerance) => a.every((v, i) => Math.abs(v - b[i]) <= tolerance);

/** Polls `check` (sync) every 50 ms until true, at most `ms`. */
const until = (what, check, ms = 10_000) => within(ms, what, (async () => {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
})());

/** Lets the answers in flight land and the map redraw. */
async function settle(page) {
  await page.waitForTimeout(300);
  await page.waitForFunction(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(true)))));
}

/** Opens the national map, then sets `attrs` (a reload): returns the page and the second event. */
async function mapWith(attrs) {
  const { page, consoleErrors } = await openPage(browser.context, `${server.url}/carte.html`);
  assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
  tiles.requests.length = 0;
  await page.evaluate((a) => {
    const el = document.querySelector('maillage-map');
    for (const [k, v] of Object.entries(a)) el.setAttribute(k, v);
  }, attrs);
  return { page, consoleErrors, event: await nthEvent(page, 2) };
}

/** The view and the frame's size in CSS pixels. */
const viewOf = (page) => page.evaluate(() => {
  const el = document.querySelector('maillage-map');
  const r = el.shadowRoot.querySelector('.frame').getBoundingClientRect();
  return { view: el.getView(), width: r.width, height: r.height };
});

/** The tiles covering the page's current view (sorted paths), once all were asked for and drawn. */
async function coverLoaded(page) {
  const { view, width, height } = await viewOf(page);
  const paths = coverPaths(view, width, height);
  await until(`${paths.length} tiles asked`, () => paths.every((p) => tiles.requests.includes(p)));
  await settle(page);
  return { view, paths };
}

/** Waits until the tile server saw `expected` (sorted paths), then checks nothing else came. */
async function requestedExactly(expected, what) {
  await until(`${what}: ${expected.length} tiles`, () => tiles.requests.length >= expected.length);
  await new Promise((r) => setTimeout(r, 400));
  assert.deepEqual([...tiles.requests].sort(), expected, what);
}

// --- Tests ------------------------------------------------------------------

describe('raster basemap', () => {
  test('asks exactly the tiles of the view, centre first, draws them under translucent fills', async () => {
    const template = `${tiles.url}/{z}/{x}/{y}.png`;
    const { page, consoleErrors, event } = await mapWith({
      // A fixed view: the tiles asked do not depend on how France is fitted.
      view: '1.5 46.8 5.6', basemap: template, 'basemap-attribution': '© tuiles synthétiques de test', field: 'illectronism_rate',
    });
    assert.equal(event.type, 'maillage:ready', JSON.stringify(event));
    const { view, width, height } = await viewOf(page);
    const expected = coverPaths(view, width, height);
    assert.equal(tileZoom(view.zoom), 6, `France at zoom ${view.zoom}`);
    assert.equal(expected.length, 5 * 3, expected.join(' '));
    await requestedExactly(expected, 'France view');
    assert.equal(tiles.requests[0], path(tileAt(6, view.lon, view.lat)), 'the centre tile first');
    await settle(page);

    // The sea west of Brittany: no territory, the tile's own colour.
    const sea = [-6.5, 47.5];
    assert.deepEqual(rgb((await colourAt(page, ...sea)).pixel), tileColour(...tileAt(6, ...sea)));
    // Arras (15.8 %) at 75 % over its tile: its class colour blended, as the swatch shows it.
    const { pixel, classes } = await colourAt(page, 2.7785, 50.2931);
    const k = classes.findIndex((c, i) => (i === 0 ? c.lower <= 15.8 : c.lower < 15.8) && 15.8 <= c.upper);
    const under = tileColour(...tileAt(6, 2.7785, 50.2931));
    const blended = rgb(classes[k].colour).map((c, i) => 0.75 * c + 0.25 * under[i]);
    assert.ok(close(rgb(pixel), blended, 2), `${pixel} ≈ ${blended} (class ${k})`);
    const swatchOpacity = await page.evaluate(() => getComputedStyle(document.querySelector('maillage-map')
      .shadowRoot.querySelector('.legend .swatch')).opacity);
    assert.equal(swatchOpacity, '0.75');

    // The credit: text in the shadow root, visible, clear of the legend and status, readable.
    const credit = await page.evaluate(() => {
      const root = document.querySelector('maillage-map').shadowRoot;
      const box = (s) => root.querySelector(s).getBoundingClientRect().toJSON();
      const a = root.querySelector('.attribution');
      const style = getComputedStyle(a);
      return { text: a.textContent, hidden: a.hidden, box: box('.attribution'), legend: box('.legend'),
        status: box('.status'), frame: box('.frame'), color: style.color, background: style.backgroundColor };
    });
    assert.equal(credit.text, '© tuiles synthétiques de test');
    assert.equal(credit.hidden, false);
    assert.ok(await page.locator('maillage-map .attribution').isVisible());
    const apart = (a, b) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
    assert.ok(apart(credit.box, credit.legend) && apart(credit.box, credit.status), JSON.stringify(credit));
    assert.ok(credit.box.right <= credit.frame.right && credit.box.bottom <= credit.frame.bottom);
    // Contrast over the darkest possible map under the translucent panel.
    const [r, g, b, alpha = 1] = credit.background.match(/[\d.]+/g).map(Number);
    const lum = (c) => {
      const [lr, lg, lb] = c.map((v) => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
      return 0.2126 * lr + 0.7152 * lg + 0.0722 * lb;
    };
    const panel = lum([r, g, b].map((v) => v * alpha));
    const text = lum(rgb(credit.color));
    assert.ok((panel + 0.05) / (text + 0.05) >= 4.5, `contrast ${credit.color} on ${credit.background}`);

    await screenshot(page, 'basemap-france');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('tiles line up with the map at zoom 6; panning asks only the new tiles', async () => {
    const { page, consoleErrors } = await mapWith({ basemap: `${tiles.url}/{z}/{x}/{y}.png` });
    await coverLoaded(page);
    await page.evaluate(() => document.querySelector('maillage-map').setView(-5, 48, 6));
    const before = (await coverLoaded(page)).paths;
    // Tile edges at zoom 6: column 31 starts at −5.625°, row 22 at y = 22/64. Both
    // cross the sea off Brittany here, where only the tiles' dark border shows.
    const dark = (p) => rgb(p).every((v) => Math.abs(v - BORDER[0]) <= 8);
    const vertical = (await colourAt(page, -5.625, 47.6)).pixel;
    const horizontal = (await colourAt(page, -7.2, latOfY(22 / 64))).pixel;
    assert.ok(dark(vertical), `column edge ${vertical}`);
    assert.ok(dark(horizontal), `row edge ${horizontal}`);
    const inside = (await colourAt(page, -5.4, 47.6)).pixel;
    assert.deepEqual(rgb(inside), tileColour(...tileAt(6, -5.4, 47.6)));
    await screenshot(page, 'basemap-grid');

    // Three tiles east: only tiles never asked before (the France view's
    // are kept too) are asked for, all in the three new columns.
    const asked = new Set(tiles.requests);
    tiles.requests.length = 0;
    await page.evaluate(() => document.querySelector('maillage-map').setView(-5 + 3 * 5.625, 48, 6));
    const moved = await viewOf(page);
    const after = coverPaths(moved.view, moved.width, moved.height);
    const columns = (ps) => new Set(ps.map((p) => Number(p.split('/')[2])));
    const newColumns = [...columns(after)].filter((x) => !columns(before).has(x));
    assert.equal(newColumns.length, 3, after.join(' '));
    const fresh = after.filter((p) => !asked.has(p));
    assert.ok(fresh.length > 0 && fresh.every((p) => newColumns.includes(Number(p.split('/')[2]))), fresh.join(' '));
    await requestedExactly(fresh, 'after panning');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a missing tile leaves its place to the background and the map working', async () => {
    const hole = path(tileAt(6, -6.5, 47.5));
    tiles.missing.add(hole);
    try {
      const { page, consoleErrors, event } = await mapWith({ view: '1.5 46.8 5.6', basemap: `${tiles.url}/{z}/{x}/{y}.png` });
      assert.equal(event.type, 'maillage:ready');
      assert.ok((await coverLoaded(page)).paths.includes(hole));
      assert.deepEqual(rgb((await colourAt(page, -6.5, 47.5)).pixel), [0xf4, 0xf2, 0xec], 'background');
      assert.deepEqual(rgb((await colourAt(page, -6.5, 44)).pixel), tileColour(...tileAt(6, -6.5, 44)), 'the tile below');
      assert.equal(tiles.requests.filter((p) => p === hole).length, 1, 'not asked again');
      // Still a working map: it pans, and nothing but Chromium's own 404 line is logged.
      await page.evaluate(() => document.querySelector('maillage-map').setView(2, 47, 7));
      await settle(page);
      assert.equal(await page.evaluate(() => window.__maillageEvents.length), 2, 'no error event');
      await screenshot(page, 'basemap-404');
      assert.deepEqual(consoleErrors.filter((m) => !/status of 404/.test(m)), []);
      await page.close();
    } finally {
      tiles.missing.clear();
    }
  });

  test('a javascript: template is a bad-attribute error, and nothing is requested', async () => {
    const { page, event } = await mapWith({ basemap: 'javascript:alert(1)//{z}/{x}/{y}' });
    assert.equal(event.type, 'maillage:error');
    assert.equal(event.detail.kind, 'bad-attribute');
    assert.match(event.detail.message, /basemap="javascript:/);
    assert.equal(await page.locator('maillage-map .status').getAttribute('data-state'), 'error');
    await page.waitForTimeout(300);
    assert.deepEqual(tiles.requests, []);
    await page.close();
  });

  test('a hostile attribution is shown as short plain text', async () => {
    const hostile = `<img src=x onerror="window.__pwned=1">\u202e${'x'.repeat(100_000)}`;
    const { page, consoleErrors, event } = await mapWith({
      basemap: `${tiles.url}/{z}/{x}/{y}.png`, 'basemap-attribution': hostile,
    });
    assert.equal(event.type, 'maillage:ready');
    await settle(page);
    const shown = await page.evaluate(() => {
      const root = document.querySelector('maillage-map').shadowRoot;
      const a = root.querySelector('.attribution');
      return { text: a.textContent, children: a.children.length, images: root.querySelectorAll('img').length,
        height: a.getBoundingClientRect().height, pwned: window.__pwned ?? null };
    });
    assert.ok(shown.text.startsWith('<img src=x onerror="window.__pwned=1">xxx'), shown.text.slice(0, 60));
    assert.equal([...shown.text].length, 160);
    assert.ok(shown.text.endsWith('…'));
    assert.deepEqual([shown.children, shown.images, shown.pwned], [0, 0, null]);
    assert.ok(shown.height < 80, `attribution ${shown.height}px high`);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});
