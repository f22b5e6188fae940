// Accessibility (issue 5, first part): axe-core (npm, pinned by
// package-lock.json) on every demo page and on the states a visitor
// reaches — places read, filters open, suggestions listed, a place's card,
// an EPCI's detail, the coverage field, an error — with the WCAG 2.1 A and
// AA rules; zero violations expected. axe reads inside open shadow roots.
// Run: scripts/test, or `node --test tests/browser/a11y.test.mjs`.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { nthEvent, openPage, ROOT, useServerAndBrowser } from './harness.mjs';

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
  for (const name of ['index.html', 'carte.html', 'portail-pas-de-calais.html', 'deux-cartes.html', 'couches.html']) {
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

  test('hub pages: zones legend, départements, own network', async () => {
    for (const name of ['hub-hauts-de-france.html', 'reseau.html']) {
      const { page } = await openPage(env.browser.context, `${env.server.url}/${name}`);
      await placesReady(page);
      await page.locator('maillage-map').locator('.departements details > summary').first().click();
      assert.deepEqual(await violations(page), [], name);
      await page.close();
    }
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
