// EPCI names where they fit, and fits that leave room for the legend.
// Run: scripts/test, or `node --test tests/browser/labels.test.mjs`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nthEvent, openPage, screenshot, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

/** Waits until no view load is under way (status back to ready) and a frame was drawn. */
const settled = async (page) => {
  await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot
    .querySelector('.status').dataset.state === 'ready', null, { timeout: 20_000 });
  await page.waitForTimeout(300);
  await page.waitForFunction(() => true, null, { polling: 'raf' });
};

/** Dark text pixels (luminance < 80) in a square of `r` CSS px around lon/lat. */
const darkPixelsAround = (page, lon, lat, r) => page.evaluate(([lon, lat, r]) => {
  const el = document.querySelector('maillage-map');
  const canvas = el.shadowRoot.querySelector('canvas');
  const k = canvas.width / canvas.getBoundingClientRect().width;
  const [x, y] = el.project(lon, lat);
  const d = canvas.getContext('2d').getImageData(Math.round((x - r) * k), Math.round((y - r) * k),
    Math.round(2 * r * k), Math.round(2 * r * k)).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) if (0.2126 * d[i] + 0.7152 * d[i + 1] + 0.0722 * d[i + 2] < 80) n += 1;
  return n;
}, [lon, lat, r]);

/** The box of the Pas-de-Calais page's 20 EPCIs (overview layer, as built). */
const PDC_EPCIS = [1.556, 50.02, 3.188, 51.003];

/** Screen boxes of the bbox corners and the legend, relative to the map. */
const layout = (page) => page.evaluate((b) => {
  const el = document.querySelector('maillage-map');
  const frame = el.shadowRoot.querySelector('.frame').getBoundingClientRect();
  const l = el.shadowRoot.querySelector('.legend').getBoundingClientRect();
  const legend = [l.left - frame.left, l.top - frame.top, l.right - frame.left, l.bottom - frame.top];
  const points = [];
  for (let i = 0; i <= 10; i += 1) {
    for (let j = 0; j <= 10; j += 1) points.push(el.project(b[0] + (b[2] - b[0]) * i / 10, b[1] + (b[3] - b[1]) * j / 10));
  }
  const open = el.shadowRoot.querySelector('.legend details').open;
  return { legend, points, width: frame.width, height: frame.height, open };
}, PDC_EPCIS);

describe('names and fits', () => {
  test('names appear where they fit: few over France, CU d\'Arras zoomed in', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
    await page.setViewportSize({ width: 1024, height: 768 });
    assert.equal((await nthEvent(page)).type, 'maillage:ready');
    await settled(page);
    await screenshot(page, 'labels-france');
    await page.evaluate(() => document.querySelector('maillage-map').setView(2.82, 49.96, 7.5));
    await settled(page);
    await screenshot(page, 'labels-hauts-de-france');
    await page.evaluate(() => document.querySelector('maillage-map').setView(2.78, 50.29, 9));
    await settled(page);
    await screenshot(page, 'labels-arras');
    // The name sits on the pole of CU d'Arras's polygon, near Arras itself.
    const near = await darkPixelsAround(page, 2.78, 50.3, 30);
    assert.ok(near > 40, `${near} dark text pixels near Arras`);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('the Pas-de-Calais portal fits its territory beside the legend, and on a phone', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/portail-pas-de-calais.html`);
    assert.equal((await nthEvent(page)).type, 'maillage:ready');
    await settled(page);
    const wide = await layout(page);
    assert.ok(wide.open, 'the legend is open on a wide map');
    const under = wide.points.filter(([x, y]) => x >= wide.legend[0] && x <= wide.legend[2]
      && y >= wide.legend[1] && y <= wide.legend[3]);
    assert.deepEqual(under, [], `points under the legend ${JSON.stringify(wide.legend)}`);
    await screenshot(page, 'fit-portail-62');
    await page.close();

    const phone = await openPage(env.browser.context, 'about:blank');
    await phone.page.setViewportSize({ width: 320, height: 640 });
    await phone.page.goto(`${env.server.url}/portail-pas-de-calais.html`);
    assert.equal((await nthEvent(phone.page)).type, 'maillage:ready');
    await settled(phone.page);
    const small = await layout(phone.page);
    assert.ok(!small.open, 'the legend starts folded on a phone');
    for (const [x, y] of small.points) {
      assert.ok(x >= 0 && x <= small.width && y >= 0 && y <= small.height, `${x},${y} off the ${small.width}×${small.height} map`);
      assert.ok(!(x >= small.legend[0] && x <= small.legend[2] && y >= small.legend[1] && y <= small.legend[3]), `${x},${y} under the folded legend`);
    }
    await screenshot(phone.page, 'fit-portail-62-phone');
    assert.deepEqual([...consoleErrors, ...phone.consoleErrors], []);
    await phone.page.close();
  });
});
