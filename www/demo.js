// Temporary demo page: describes layers/manifest.json and layers/report.json.
// The data is untrusted: text goes in with textContent only, links only when
// they are plain relative paths or http(s) addresses.
'use strict';

(function () {
  const nombre = new Intl.NumberFormat('fr-FR');
  const decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
  const ko = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

  const KINDS = {
    sites: 'Lieux (points)',
    zones: 'Zones (polygones hachurés)',
    rates: 'Indicateurs par territoire (choroplèthe)',
    base: 'Contours de fond',
  };
  const FIELD_KINDS = {
    text: 'texte',
    integer: 'entier',
    real: 'réel',
    boolean: 'booléen',
    json: 'JSON',
  };
  const ACTIONS = { rejected: 'rejetée', repaired: 'réparée', merged: 'fusionnée', warning: 'avertissement' };

  // ---- small safe helpers -------------------------------------------------

  /** Creates an element with optional text (set with textContent). */
  function el(tag, text, attrs) {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    return e;
  }

  const str = (v) => (typeof v === 'string' ? v : '');
  const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const arr = (v) => (Array.isArray(v) ? v : []);
  const obj = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const fmt = (v, f = nombre) => (num(v) === null ? '—' : f.format(v));
  /** French text of a {fr, en} label, English as a fallback. */
  const label = (l) => str(obj(l).fr) || str(obj(l).en);
  /** French name for a known code, the code itself otherwise. */
  const pick = (names, code) => (Object.hasOwn(names, code) ? names[code] : str(code));

  /** A link for a relative file path, or plain text if the path looks odd. */
  function fileLink(path) {
    const p = str(path);
    const safe = /^[A-Za-z0-9_][A-Za-z0-9._\-/]*$/.test(p) && !p.split('/').includes('..');
    return safe ? el('a', p, { href: 'layers/' + p }) : el('span', p);
  }

  /** A link for an http(s) address, or plain text. */
  function webLink(url) {
    const u = str(url);
    try {
      const parsed = new URL(u);
      if (parsed.protocol === 'https:' || parsed.protocol === 'http:') {
        return el('a', u, { href: parsed.href, rel: 'noopener noreferrer' });
      }
    } catch (_) { /* not a URL */ }
    return el('span', u);
  }

  /**
   * A <table> with a caption, column headers (th scope=col) and rows whose
   * first cell is a row header (th scope=row). Cells are strings, numbers
   * (right-aligned) or nodes.
   */
  function table(caption, headers, rows, footer) {
    const t = el('table');
    t.append(el('caption', caption));
    const head = el('thead');
    const hr = el('tr');
    headers.forEach((h) => hr.append(el('th', h, { scope: 'col' })));
    head.append(hr);
    t.append(head);
    const body = el('tbody');
    const addRow = (parent, cells) => {
      const tr = el('tr');
      cells.forEach((c, i) => {
        const cell = i === 0 ? el('th', null, { scope: 'row' }) : el('td');
        if (c instanceof Node) cell.append(c);
        else cell.textContent = c === null || c === undefined ? '' : String(c);
        if (/^[−\-\d\s ,.]+$/.test(cell.textContent) && i > 0) cell.className = 'nombre';
        tr.append(cell);
      });
      parent.append(tr);
    };
    rows.forEach((r) => addRow(body, r));
    t.append(body);
    if (footer) {
      const foot = el('tfoot');
      addRow(foot, footer);
      t.append(foot);
    }
    // Wide tables scroll inside a focusable region instead of the page.
    const wrap = el('div', null, { class: 'defile', role: 'region', tabindex: '0', 'aria-label': caption });
    wrap.append(t);
    return wrap;
  }

  function definitions(pairs) {
    const dl = el('dl');
    for (const [k, v] of pairs) {
      if (v === null || v === undefined || v === '') continue;
      dl.append(el('dt', k));
      const dd = el('dd');
      if (v instanceof Node) dd.append(v);
      else dd.textContent = String(v);
      dl.append(dd);
    }
    return dl;
  }

  async function loadJson(path) {
    const res = await fetch(path, { cache: 'no-cache' });
    if (!res.ok) throw new Error(`HTTP ${res.status} pour ${path}`);
    try {
      return await res.json();
    } catch (_) {
      throw new Error(`${path} n’est pas du JSON valide`);
    }
  }

  // ---- manifest -----------------------------------------------------------

  function renderBuild(m) {
    const section = document.getElementById('construction');
    section.append(definitions([
      ['Date de construction', str(m.build_date)],
      ['Outil', str(m.generator)],
      ['Format du manifeste', fmt(m.format)],
      ['Couches', fmt(arr(m.layers).length)],
    ]));
    section.hidden = false;
  }

  function renderLayer(layer, index, sourcesById) {
    const l = obj(layer);
    const art = el('article', null, { 'aria-labelledby': `couche-${index}` });
    art.append(el('h3', label(l.title) || str(l.id), { id: `couche-${index}` }));
    const bbox = arr(l.bbox).map((v) => fmt(v, decimal));
    art.append(definitions([
      ['Identifiant', str(l.id)],
      ['Type', pick(KINDS, l.kind)],
      ['Géométrie', str(l.geometry)],
      ['Nombre d’entités', fmt(l.feature_count)],
      ['Emprise (lon, lat)', bbox.length === 4 ? `${bbox[0]} ; ${bbox[1]} → ${bbox[2]} ; ${bbox[3]}` : ''],
      ['Style par défaut', l.default_style ? `${str(l.default_style.field)}, ${str(l.default_style.method)}, ${fmt(l.default_style.classes)} classes, ${str(l.default_style.palette)}` : ''],
    ]));
    if (l.note) art.append(el('p', `Note : ${label(l.note)}`, { class: 'note' }));

    const name = label(l.title) || str(l.id);
    art.append(table(`Fichiers de la couche « ${name} »`,
      ['Fichier', 'Taille (Ko)', 'Transfert gzip (Ko)', 'Zooms', 'Tolérance (m)', 'Index spatial', 'SHA-256'],
      arr(l.files).map((f) => {
        f = obj(f);
        const sha = str(f.sha256);
        return [
          fileLink(f.path),
          num(f.bytes) === null ? '—' : ko.format(f.bytes / 1024),
          num(f.gzip_bytes) === null ? '—' : ko.format(f.gzip_bytes / 1024),
          `${fmt(f.min_zoom, decimal)} à ${fmt(f.max_zoom, decimal)}`,
          fmt(f.tolerance_m, decimal),
          f.indexed === true ? 'oui' : 'non',
          el('code', sha.slice(0, 12) + (sha.length > 12 ? '…' : ''), { title: sha }),
        ];
      })));

    art.append(table(`Champs de la couche « ${name} »`,
      ['Nom', 'Type', 'Libellé', 'Unité', 'Description', 'Plage observée', 'Choroplèthe'],
      arr(l.fields).map((f) => {
        f = obj(f);
        const range = arr(f.range);
        return [
          el('code', str(f.name)),
          pick(FIELD_KINDS, f.kind),
          label(f.label),
          label(f.unit),
          label(f.description),
          range.length === 2 ? `${fmt(range[0], decimal)} à ${fmt(range[1], decimal)}` : '',
          f.choropleth === true ? 'oui' : 'non',
        ];
      })));

    const ids = arr(l.sources).map(str);
    if (ids.length) {
      const p = el('p', 'Sources : ');
      ids.forEach((id, i) => {
        if (i) p.append(', ');
        const s = sourcesById.get(id);
        p.append(s ? el('a', str(s.title) || id, { href: `#source-${s.index}` }) : el('span', id));
      });
      art.append(p);
    }
    return art;
  }

  function renderSources(sources) {
    const list = document.getElementById('sources-liste');
    if (!sources.length) {
      list.append(el('p', 'Aucune source déclarée.'));
      return;
    }
    const t = table('Sources des données',
      ['Titre', 'Producteur', 'Licence', 'Millésime', 'Adresse', 'Attribution'],
      sources.map((s) => [str(s.title) || str(s.id), str(s.publisher), str(s.licence),
        str(s.vintage), webLink(s.url), str(s.attribution)]));
    t.querySelectorAll('tbody tr').forEach((tr, i) => tr.setAttribute('id', `source-${i}`));
    list.append(t);
  }

  function renderManifest(m) {
    if (!Array.isArray(m.layers) || !Array.isArray(m.sources)) {
      throw new Error('le manifeste n’a pas la forme attendue (layers[] et sources[])');
    }
    renderBuild(m);
    const sources = m.sources.map(obj);
    const byId = new Map(sources.map((s, index) => [str(s.id), { ...s, index }]));
    const list = document.getElementById('couches-liste');
    if (!m.layers.length) list.append(el('p', 'Aucune couche.'));
    m.layers.forEach((layer, i) => list.append(renderLayer(layer, i, byId)));
    renderSources(sources);
  }

  // ---- report -------------------------------------------------------------

  function renderReport(r) {
    const out = document.getElementById('rapport-contenu');
    const summary = Object.entries(obj(obj(r).summary));
    const keys = ['read', 'kept', 'merged', 'rejected', 'repaired'];
    const total = keys.map((k) => summary.reduce((acc, [, s]) => acc + (num(obj(s)[k]) || 0), 0));
    out.append(table('Lignes lues et leur devenir, par source',
      ['Source', 'Lues', 'Conservées', 'Fusionnées', 'Rejetées', 'Réparées'],
      summary.map(([id, s]) => [id, ...keys.map((k) => fmt(obj(s)[k]))]),
      ['Total', ...total.map((v) => nombre.format(v))]));

    // Reasons: how many rows per source, action and reason.
    const counts = new Map();
    for (const e of arr(obj(r).entries)) {
      const o = obj(e);
      const key = JSON.stringify([str(o.source), str(o.action), str(o.reason)]);
      counts.set(key, (counts.get(key) || 0) + 1);
    }
    if (counts.size) {
      const rows = [...counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => {
        const [source, action, reason] = JSON.parse(k);
        return [source, pick(ACTIONS, action), el('code', reason), nombre.format(n)];
      });
      out.append(table('Motifs des lignes rejetées, réparées ou fusionnées',
        ['Source', 'Ligne', 'Motif', 'Nombre'], rows));
    }
  }

  // ---- start --------------------------------------------------------------

  async function main() {
    const statut = document.getElementById('statut');
    try {
      renderManifest(obj(await loadJson('layers/manifest.json')));
      statut.textContent = 'Manifeste chargé.';
    } catch (e) {
      statut.setAttribute('role', 'alert');
      statut.className = 'erreur';
      statut.textContent = `Impossible de charger le manifeste des couches (${e.message}). ` +
        'Construisez les couches avec scripts/demo, puis rechargez la page.';
      return;
    }
    const rs = document.getElementById('rapport-statut');
    try {
      renderReport(await loadJson('layers/report.json'));
    } catch (e) {
      rs.className = 'erreur';
      rs.textContent = `Rapport indisponible (${e.message}).`;
    }
  }

  main();
})();
