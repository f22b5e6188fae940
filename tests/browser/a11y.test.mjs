// Accessibility (issue 5, first part): axe-core (npm, pinned by
// package-lock.json) on every demo page and on the states a visitor
// reaches — places read, filters open, suggestions listed, a place's card,
// an EPCI's detail, the coverage field, an error — with the WCAG 2.1 A and
// AA rules; zero violations expected. axe reads inside open shadow roots.
// Run: scripts/test, or `node --test tests/browser/a11y.test.mjs`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { nthEvent, openPage, OUT, ROOT, screenshot, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();
const AXE = readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** axe's WCAG 2.1 A/AA violations on the page, one line each. */
async function violations(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    await page.addScriptTag({ content: AXE });
  }
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' > ')).slice(0, 4).join(' | ')}`);
  });
}

async function placesReady(page) {
  await page.waitForFunction(() => {
    const c = document.querySelector('maillage-map')?.shadowRoot?.querySelector('.places .count');
    return c && /lieu/.test(c.textContent) && !/Chargement/.test(c.textContent);
  }, null, { timeout: 60_000 });
}

describe('accessibility (axe-core, WCAG 2.1 AA)', () => {
  for (const name of ['index.html', 'carte.html', 'portail-pas-de-calais.html', 'deux-cartes.html', 'couches.html', 'aide.html']) {
    test(`${name}, map drawn`, async () => {
      const { page } = await openPage(env.browser.context, `${env.server.url}/${name}`);
      if (name !== 'index.html' && name !== 'couches.html') await nthEvent(page, 1);
      assert.deepEqual(await violations(page), []);
      await page.close();
    });
  }

  test('places: read, filters open, suggestions, card, EPCI detail, coverage field', async () => {
    const { page } = await openPage(env.browser.context,
      `${env.server.url}/lieux.html#v=2.77000,50.29000,9.00&sel=epci%3A200033579`);
    await placesReady(page);
    await page.waitForFunction(() => !document.querySelector('maillage-map').shadowRoot.querySelector('.detail').hidden);
    const states = {};
    states.read = await violations(page);
    const map = page.locator('maillage-map');
    await map.locator('details.filters > summary').click();
    states.filters = await violations(page);
    await map.locator('#q').fill('saint');
    states.suggestions = await violations(page);
    await map.locator('#q').press('Enter');
    await map.locator('.nearest button.place').first().click();
    await page.waitForFunction(() => /Source/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .card')?.textContent ?? ''), null, { timeout: 15_000 });
    states.card = await violations(page);
    await map.locator('select.field-select').selectOption('couverture');
    states.coverage = await violations(page);
    assert.deepEqual(states, { read: [], filters: [], suggestions: [], card: [], coverage: [] });
    await page.close();
  });

  test('UI parts: the edges of controls and the legend keys contrast at least 3:1 with what is around them', async () => {
    const { page } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
    await placesReady(page);
    await page.locator('maillage-map').locator('details.filters > summary').click();
    // Colours as computed, blended over white (the panels are white at 92 %).
    const ratios = await page.evaluate(() => {
      const root = document.querySelector('maillage-map').shadowRoot;
      const rgba = (c) => {
        const m = c.match(/rgba?\(([^)]+)\)/);
        const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return [r, g, b].map((v) => v * a + 255 * (1 - a));
      };
      const lum = (rgb) => {
        const [r, g, b] = rgb.map((v) => { const s = v / 255; return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const contrast = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
      const white = [255, 255, 255];
      const style = (s) => getComputedStyle(root.querySelector(s));
      const ring = (s) => rgba(style(s).boxShadow.match(/rgba?\([^)]+\)/)[0]);
      const r = (v) => Math.round(v * 100) / 100;
      return {
        'search box edge': r(contrast(rgba(style('#q').borderTopColor), white)),
        'button edge (table toggle)': r(contrast(rgba(style('.tools button').borderTopColor), white)),
        'button edge (export)': r(contrast(rgba(style('.places .export button').borderTopColor), white)),
        'button fill (near me)': r(contrast(rgba(style('.places .locate').backgroundColor), white)),
        'legend swatch edge': r(contrast(rgba(style('.legend .swatch').borderTopColor), white)),
        'kind marker ring (filters)': r(contrast(ring('.places .dot'), white)),
        'kind marker ring (legend)': r(contrast(ring('.legend .kinds-legend .dot'), white)),
      };
    });
    const low = Object.entries(ratios).filter(([, v]) => !(v >= 3));
    assert.deepEqual(low, [], JSON.stringify(ratios));
    await page.close();
  });

  test('hub pages: zones legend, départements, own network', async () => {
    for (const name of ['hub-hauts-de-france.html', 'reseau.html']) {
      const { page } = await openPage(env.browser.context, `${env.server.url}/${name}`);
      await placesReady(page);
      await page.locator('maillage-map').locator('.departements details > summary').first().click();
      assert.deepEqual(await violations(page), [], name);
      await page.close();
    }
  });

  test('keyboard only: skip the map, walk the territories, read and sort the table, select from it', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/portail-pas-de-calais.html`);
    const ready = await nthEvent(page, 1);
    const inMap = (fn) => page.evaluate(`(${fn})(document.querySelector('maillage-map').shadowRoot)`);
    const active = () => inMap((r) => r.activeElement?.className ?? r.activeElement?.tagName ?? null);
    // The first stop of the widget is the skip button; it jumps past the map.
    await page.locator('maillage-map').first().locator('.skip').focus();
    await page.keyboard.press('Enter');
    assert.equal(await active(), 'end');
    // N and P walk the territories in view, each described in the live panel.
    await page.locator('maillage-map').first().locator('canvas').focus();
    const name = () => inMap((r) => r.querySelector('.detail:not([hidden]) .name')?.textContent ?? null);
    await page.keyboard.press('n');
    const first = await name();
    await page.keyboard.press('n');
    const second = await name();
    assert.ok(first && second && first !== second, `${first} then ${second}`);
    await page.keyboard.press('p');
    assert.equal(await name(), first);
    // The table: one row per territory of the page, names as buttons.
    await page.locator('maillage-map').first().locator('.show-table').focus();
    await page.keyboard.press('Enter');
    const rows = () => inMap((r) => [...r.querySelectorAll('.table-view tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)));
    const all = await rows();
    assert.equal(all.length, ready.detail.features);
    assert.equal(await inMap((r) => r.querySelector('.show-table').getAttribute('aria-expanded')), 'true');
    assert.equal(await inMap((r) => r.querySelector('.table-view tr[aria-current] th').textContent), first);
    assert.deepEqual(await violations(page), []);
    // Sorted by value, then the other way.
    await page.locator('maillage-map').first().locator('button[data-sort="value"]').press('Enter');
    const number = (s) => (/\d/.test(s) ? Number(s.replace(/[^\d,]/g, '').replace(',', '.')) : NaN);
    const up = (await rows()).map((r) => number(r[1]));
    assert.ok(up.every((v, i) => i === 0 || up[i - 1] <= v || Number.isNaN(v)), up.join(' '));
    assert.equal(await inMap((r) => r.querySelector('th[aria-sort]').getAttribute('aria-sort')), 'ascending');
    assert.equal(await active(), 'sort');
    await page.keyboard.press('Enter');
    assert.equal(await inMap((r) => r.querySelector('th[aria-sort]').getAttribute('aria-sort')), 'descending');
    // A name in the table selects its territory on the map.
    const last = page.locator('maillage-map').first().locator('.table-view tbody button').last();
    const lastName = await last.textContent();
    await last.press('Enter');
    assert.equal(await name(), lastName);
    assert.equal(await inMap((r) => r.querySelector('.table-view tr[aria-current] th').textContent), lastName);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('keyboard only: find the nearest place to a commune, then filter and read the count', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
    await placesReady(page);
    const inMap = (fn) => page.evaluate(`(${fn})(document.querySelector('maillage-map').shadowRoot)`);
    const focused = () => inMap((r) => {
      const a = r.activeElement;
      return a ? { id: a.id, cls: a.className, tag: a.tagName, text: a.textContent.trim().slice(0, 80) } : null;
    });
    // Tab from the top of the page until `want` has the focus (at most 80 stops).
    const tabTo = async (want, what) => {
      for (let i = 0; i < 80; i += 1) {
        const f = await focused();
        if (f && want(f)) return f;
        await page.keyboard.press('Tab');
      }
      throw new Error(`${what} never reached with Tab`);
    };
    await page.locator('h1').click();
    await tabTo((f) => f.id === 'q', 'the search box');
    await page.keyboard.type('arras');
    // Down arrow into the suggestions, Enter on the commune.
    await page.keyboard.press('ArrowDown');
    const suggestion = await focused();
    assert.equal(suggestion.cls, 'result');
    assert.match(suggestion.text, /^Arras\b/);
    await page.keyboard.press('ArrowDown');
    assert.equal((await focused()).cls, 'result', 'the second suggestion');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    assert.equal((await focused()).id, 'q', 'up from the first suggestion: back to the box');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelectorAll('.nearest button.place').length > 0);
    assert.equal(await inMap((r) => r.querySelector('.near h3').textContent), "Les lieux les plus proches d'Arras");
    // Tab to the nearest place, Enter: its card, with its distance first read.
    const place = await tabTo((f) => f.cls === 'place', 'the nearest place');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => /Source/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .card')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.equal(await inMap((r) => r.querySelector('.card h3').textContent), place.text);

    // The filters: back to their summary, open them, tick France Services.
    const before = await inMap((r) => r.querySelector('.places .count').textContent);
    await page.keyboard.down('Shift');
    for (let i = 0; i < 80 && (await focused())?.tag !== 'SUMMARY'; i += 1) await page.keyboard.press('Tab');
    await page.keyboard.up('Shift');
    assert.equal((await focused()).text, 'Filtrer les lieux');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const box = await focused();
    assert.equal(box.tag, 'INPUT');
    await page.keyboard.press('Space');
    await page.waitForFunction((b) => document.querySelector('maillage-map').shadowRoot.querySelector('.places .count').textContent !== b, before);
    const after = await inMap((r) => r.querySelector('.places .count').textContent);
    assert.match(after, /^[\d\u202f]+ lieux? correspond(ent)? \(sur [\d\u202f]+\)$/);
    // The count is a live region: a screen reader says it.
    assert.equal(await inMap((r) => r.querySelector('.places .count').getAttribute('aria-live')), 'polite');
    assert.deepEqual(await violations(page), []);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('the list of the places on the map follows the search, the view and the selection', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
    await placesReady(page);
    const map = page.locator('maillage-map');
    const inMap = (fn) => page.evaluate(`(${fn})(document.querySelector('maillage-map').shadowRoot)`);
    await map.locator('#q').fill('arras');
    await map.locator('#q').press('Enter');
    await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelectorAll('.nearest button.place').length > 0);
    const nearest = await map.locator('.nearest button.place').first().textContent();
    await map.locator('button.show-places').press('Enter');
    assert.equal(await map.locator('button.show-places').getAttribute('aria-expanded'), 'true');
    const list = () => inMap((r) => ({
      caption: r.querySelector('.places-list caption')?.textContent,
      rows: [...r.querySelectorAll('.places-list tbody tr')].map((tr) => [...tr.children].map((c) => c.textContent)),
      current: r.querySelector('.places-list tr[aria-current] th')?.textContent ?? null,
    }));
    const l = await list();
    assert.match(l.caption, /^Lieux sur la carte \([\d\u202f]+\), du plus proche au plus loin d'Arras/);
    assert.ok(l.rows.length > 0 && l.rows.length <= 50, `${l.rows.length} rows`);
    // The nearest place of the list is the panel's nearest place.
    assert.equal(l.rows[0][0], nearest);
    assert.match(l.rows[0][3], /^\d+([,\u202f]\d+)? k?m$/);
    assert.deepEqual(await violations(page), []);
    // A row selects its place: card, map, and the row marked current.
    const name = l.rows[1][0];
    await map.locator('.places-list tbody button').nth(1).press('Enter');
    await page.waitForFunction((n) => document.querySelector('maillage-map').shadowRoot.querySelector('.places .card h3')?.textContent === n, name, { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelector('.places-list tr[aria-current]') !== null);
    assert.equal((await list()).current, name);
    await map.locator('.places-list').scrollIntoViewIfNeeded();
    await screenshot(page, 'liste-des-lieux');
    // Zoomed out over the country, the list says it shows the first 50.
    await page.evaluate(() => document.querySelector('maillage-map').setView(2.5, 46.5, 5));
    await page.waitForFunction(() => /les 50 premiers/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places-list caption')?.textContent ?? ''));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('patterns: a legend checkbox puts a pattern on each class, map and swatches alike', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/portail-pas-de-calais.html`);
    await nthEvent(page, 1);
    // Share of the canvas painted exactly in the colours of classes 2 to 5
    // (flat fills; a pattern breaks them up).
    const flat = () => page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
      const root = document.querySelector('maillage-map').shadowRoot;
      const colours = [...root.querySelectorAll('.legend button[data-class] .swatch')].slice(1)
        .map((s) => getComputedStyle(s).backgroundColor.match(/\d+/g).slice(0, 3).join(','));
      const canvas = root.querySelector('canvas');
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) if (colours.includes(`${data[i]},${data[i + 1]},${data[i + 2]}`)) n += 1;
      resolve(n / (data.length / 4));
    }))));
    const before = await flat();
    const box = page.locator('maillage-map').first().locator('input[data-patterns]');
    assert.equal(await box.isChecked(), false);
    await box.check();
    const after = await flat();
    assert.ok(before > 0.15 && after < before * 0.75, `flat class colours: ${before.toFixed(3)} of the canvas, ${after.toFixed(3)} with patterns`);
    const swatches = await page.evaluate(() => [...document.querySelector('maillage-map').shadowRoot
      .querySelectorAll('.legend button[data-class] .swatch')].map((s) => s.dataset.pattern ?? null));
    assert.deepEqual(swatches, [null, 'dots', 'horizontal', 'anti-diagonal', 'vertical']);
    assert.equal(await page.evaluate(() => document.querySelector('maillage-map').shadowRoot.activeElement?.dataset.patterns), '', 'the focus stays on the checkbox');
    await screenshot(page, 'motifs');
    assert.deepEqual(await violations(page), []);
    // The attribute gives the same, and its removal takes them off.
    await page.evaluate(() => document.querySelector('maillage-map').removeAttribute('patterns'));
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('patterns', ''));
    assert.equal(await box.isChecked(), true);
    await page.evaluate(() => document.querySelector('maillage-map').removeAttribute('patterns'));
    assert.equal(await box.isChecked(), false);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('plain-language mode: one question, large buttons, the three nearest places, back to the question', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/aide.html`);
    await placesReady(page);
    const map = page.locator('maillage-map');
    const inMap = (fn) => page.evaluate(`(${fn})(document.querySelector('maillage-map').shadowRoot)`);
    const shown = (selector) => inMap(`(r) => { const e = r.querySelector(${JSON.stringify(selector)}); return !!e && e.offsetParent !== null; }`);
    // The question, and nothing else to decide.
    assert.equal(await map.locator('label.q').textContent(), 'Où êtes-vous ?');
    for (const s of ['details.filters', '.places .export', '.show-table']) assert.equal(await shown(s), false, s);
    // The field switcher waits in the legend's folded classes.
    assert.equal(await inMap((r) => r.querySelector('select.field-select').checkVisibility()), false);
    const heights = await inMap((r) => ['#q', 'button.locate'].map((s) => r.querySelector(s).getBoundingClientRect().height));
    assert.ok(heights.every((h) => h >= 56), heights.join(' '));
    assert.deepEqual(await violations(page), []);
    // The answer: three places, the reader brought to them; the question goes.
    await map.locator('#q').fill('arras');
    await map.locator('#q').press('Enter');
    await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelectorAll('.nearest button.place').length > 0);
    const visible = await inMap((r) => [...r.querySelectorAll('.nearest > li')].filter((li) => li.offsetParent !== null).length);
    assert.equal(visible, 3);
    assert.equal(await shown('.find'), false);
    assert.equal(await inMap((r) => r.activeElement?.textContent), "Les lieux les plus proches d'Arras");
    await screenshot(page, 'langage-simple');
    assert.deepEqual(await violations(page), []);
    // Back to the question, the box empty and focused.
    await map.locator('button.again').click();
    assert.equal(await shown('.find'), true);
    assert.equal(await shown('.near'), false);
    assert.equal(await inMap((r) => r.activeElement?.id), 'q');
    assert.equal(await map.locator('#q').inputValue(), '');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a 320 px wide phone: nothing scrolls sideways, still no violation', async () => {
    const page = await env.browser.context.newPage();
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`${env.server.url}/lieux.html`);
    await placesReady(page);
    // The legend folds the classes and the places' kinds: the map stays in view.
    const legend = () => page.evaluate(() => {
      const r = document.querySelector('maillage-map').shadowRoot;
      const height = (s) => r.querySelector(s).getBoundingClientRect().height;
      return {
        folds: [...r.querySelectorAll('.legend details')].map((d) => `${d.className} ${d.open}`),
        kinds: r.querySelectorAll('.legend .kinds-legend li').length,
        share: height('.legend') / height('.frame'),
      };
    });
    const folded = await legend();
    assert.deepEqual(folded.folds, ['classes false', 'kinds false']);
    assert.equal(folded.kinds, 8);
    assert.ok(folded.share < 0.45, `the legend covers ${folded.share} of the map's height`);
    await page.locator('maillage-map').locator('.legend .kinds-title').click();
    const unfolded = await legend();
    assert.deepEqual(unfolded.folds, ['classes false', 'kinds true']);
    assert.ok(unfolded.share > folded.share + 0.2, JSON.stringify([folded, unfolded]));
    await page.locator('maillage-map').locator('.legend .kinds-title').click();
    await page.locator('maillage-map').locator('details.filters > summary').click();
    await page.locator('maillage-map').locator('.show-table').click();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(widths[0] <= widths[1], `page ${widths[0]} px wide in a ${widths[1]} px window`);
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('200 % zoom (a 1280 × 800 screen): every control reachable, nothing cut or sideways', async () => {
    const page = await env.browser.context.newPage();
    // Zoom doubles the CSS pixel: 640 × 400 CSS pixels at a device pixel ratio of 2.
    const cdp = await env.browser.context.newCDPSession(page);
    await cdp.send('Emulation.setDeviceMetricsOverride', { width: 640, height: 400, deviceScaleFactor: 2, mobile: false });
    await page.goto(`${env.server.url}/lieux.html`);
    await placesReady(page);
    assert.deepEqual(await page.evaluate(() => [window.innerWidth, window.devicePixelRatio]), [640, 2]);
    await page.locator('maillage-map').locator('details.filters > summary').click();
    await page.locator('maillage-map').locator('.show-table').click();
    const widths = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    assert.ok(widths[0] <= widths[1], `page ${widths[0]} px wide in a ${widths[1]} px window`);
    // Every control has a size, lies within the window's width, and its
    // text is not cut by its own box.
    const controls = await page.evaluate(() => {
      const root = document.querySelector('maillage-map').shadowRoot;
      return [...root.querySelectorAll('button:not([hidden]), input, select, summary, a')]
        .filter((e) => e.offsetParent !== null)
        .map((e) => {
          const r = e.getBoundingClientRect();
          return { what: `${e.tagName}.${e.className} ${(e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 30)}`,
            left: r.left, right: r.right, width: r.width, cut: e.scrollWidth > e.clientWidth + 1 && e.tagName === 'BUTTON' };
        });
    });
    assert.ok(controls.length > 20, `${controls.length} controls`);
    const bad = controls.filter((c) => c.width < 1 || c.left < 0 || c.right > 640.5 || c.cut);
    assert.deepEqual(bad, []);
    const canvas = await page.evaluate(() => document.querySelector('maillage-map').shadowRoot.querySelector('canvas').getBoundingClientRect().height);
    assert.ok(canvas >= 200, `map ${canvas} px high`);
    // Captured through the same session (Playwright's own capture would
    // apply its viewport again).
    const { data } = await cdp.send('Page.captureScreenshot', { format: 'png' });
    await mkdir(OUT, { recursive: true });
    await writeFile(join(OUT, 'zoom-200.png'), Buffer.from(data, 'base64'));
    assert.deepEqual(await violations(page), []);
    await page.close();
  });

  test('an error is said accessibly too', async () => {
    const { page } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
    await nthEvent(page, 1);
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('manifest', 'absent/manifest.json'));
    await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelector('.status').dataset.state === 'error');
    assert.deepEqual(await violations(page), []);
    await page.close();
  });
});
