// The peer of the benchmark (tests/browser/bench.mjs): what a page does today
// to show a FlatGeobuf layer on a map without a tile server. Leaflet 1.9.4
// with its canvas renderer, flatgeobuf 4.5's browser build streaming the
// features that intersect the view by HTTP range requests (its packed R-tree
// index), each feature added to the map as it arrives.
//
// Query: ?file=NAME.fgb (in ../layers/) &bbox=W,S,E,N (degrees). The view is
// the one that fits the box exactly (fractional zoom, as the widget does).
// When the last feature is added, the next animation frame (after Leaflet's
// own redraw, scheduled earlier in the same frame) sets
// window.__bench = {done: ms since navigation start, features}.
import './vendor/leaflet.js';
import './vendor/flatgeobuf-geojson.min.js';

const { L, flatgeobuf } = window;
const query = new URLSearchParams(location.search);
const [west, south, east, north] = (query.get('bbox') ?? '-5.2,41.3,9.6,51.1').split(',').map(Number);
const file = query.get('file') ?? 'epci.fgb';

// A plain five-class choropleth on the digital fragility index (IFN, in
// both layers), fixed breaks as a hand-written page would have.
const BREAKS = [85, 95, 105, 115];
const COLOURS = ['#fef0d9', '#fdcc8a', '#fc8d59', '#e34a33', '#b30000'];
const style = (feature) => {
  const v = feature.properties?.ifn_total;
  const k = typeof v === 'number' ? BREAKS.filter((b) => v >= b).length : -1;
  return { color: '#ffffff', weight: 0.5, fillOpacity: 1, fillColor: k < 0 ? '#cccccc' : COLOURS[k] };
};

const map = L.map('map', { preferCanvas: true, zoomSnap: 0, attributionControl: false });
map.fitBounds([[south, west], [north, east]], { animate: false });
const layer = L.geoJSON(null, { style }).addTo(map);

async function run() {
  const b = map.getBounds();
  const rect = { minX: b.getWest(), minY: b.getSouth(), maxX: b.getEast(), maxY: b.getNorth() };
  const url = new URL(`../layers/${file}`, location.href).href;
  let features = 0;
  for await (const feature of flatgeobuf.deserialize(url, { rect })) {
    layer.addData(feature);
    features += 1;
  }
  await new Promise((resolve) => requestAnimationFrame(resolve));
  window.__bench = { done: performance.now(), features };
}

run().catch((error) => { window.__bench = { error: String(error) }; });
