// The widget side of the benchmark (tests/browser/bench.mjs). A classic
// script, run before the element starts, so that no event is missed.
//
// widget.html: France, the element's own first view; complete first paint =
// `maillage:ready`, then the next animation frame.
// widget.html?bbox=W,S,E,N: before the element starts, its `view` attribute
// is set to the view that fits the box in the window (centre and fractional
// zoom, 256 px tiles, as Leaflet's fitBounds computes it), as a page that
// opens on a region does; complete first paint = the first `maillage:render`
// whose detail does not say that data is still coming, then the next
// animation frame. The element dispatches
// `maillage:render` after each completed view load (detail {features, bytes,
// requests, ms, level, file, failed}); `failed` is an error here.
// Result: window.__bench = {done: ms since navigation start, ...} or
// {notMeasured: why} or {error}.
(() => {
  'use strict';
  const query = new URLSearchParams(location.search);
  const bbox = query.get('bbox')?.split(',').map(Number);
  const finish = (extra) => requestAnimationFrame(() => {
    window.__bench ??= { done: performance.now(), ...extra };
  });

  /** Centre and zoom that fit [w, s, e, n] in the element (Web Mercator, 256 px world at zoom 0). */
  function fit([w, s, e, n], width, height) {
    const x = (lon) => (lon + 180) / 360;
    const y = (lat) => {
      const r = (lat * Math.PI) / 180;
      return (1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2;
    };
    const zoom = Math.log2(Math.min(width / ((x(e) - x(w)) * 256), height / ((y(s) - y(n)) * 256)));
    const cy = (y(s) + y(n)) / 2;
    const lat = (Math.atan(Math.sinh(Math.PI * (1 - 2 * cy))) * 180) / Math.PI;
    return { lon: (w + e) / 2, lat, zoom };
  }

  /** Whether a maillage:render detail says the view is still waiting for data. */
  const partial = (d) => d != null && (d.complete === false || d.pending > 0 || d.loading === true);

  let viewSet = false;
  document.addEventListener('maillage:error', (e) => {
    window.__bench ??= { error: `${e.detail?.kind}: ${e.detail?.message}` };
  }, true);
  document.addEventListener('maillage:render', (e) => {
    if (!viewSet || partial(e.detail)) return;
    if (e.detail?.failed) window.__bench ??= { error: `view load failed: ${JSON.stringify(e.detail)}` };
    else finish({ render: e.detail ?? null, features: e.detail?.features });
  }, true);
  document.addEventListener('maillage:ready', (e) => {
    // The pan measurement waits for it: a region's first paint can come first.
    window.__benchReady = true;
    if (!bbox) finish({ ready: e.detail });
  }, true);
  // The document turns interactive when parsing ends, before module scripts
  // run: the element exists and has not started yet.
  document.addEventListener('readystatechange', () => {
    if (document.readyState !== 'interactive') return;
    const el = document.querySelector('maillage-map');
    // widget.html?layer=communes&bbox=…: another layer than the default EPCIs.
    const layer = query.get('layer');
    if (layer) el.setAttribute('layer', layer);
    if (!bbox) return;
    // The element fills the window (widget.html's style).
    const v = fit(bbox, window.innerWidth, window.innerHeight);
    el.setAttribute('view', `${v.lon} ${v.lat} ${v.zoom}`);
    viewSet = true;
  });
})();
