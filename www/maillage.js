// Maillage — the one script a partner page includes:
//
//   <script type="module" src="https://…/maillage.js"></script>
//   <maillage-map manifest="https://…/layers/manifest.json">
//     <p>Fallback text, shown until the map starts (or without JavaScript).</p>
//   </maillage-map>
//
// It loads the WebAssembly module next to it (pkg/), once, then defines the
// <maillage-map> element (maps with places or zones, attributes `sites` or
// `zones`, need the module with places: give the attribute in the page's HTML). All behaviour lives in Rust (src/web/): this file
// only forwards the element's lifecycle to a Rust `Widget`.
// Events: `maillage:ready` (detail {layers, rangeBytes, features, field}), `maillage:render`
// after each completed view load (detail {features, bytes, requests, ms, level, file, failed}:
// zoomed in, the detailed levels are read by range) and `maillage:error` (detail {kind, message}),
// dispatched on the element; they bubble.
// Hosting: the layer files are read with HTTP range requests (206). A server
// that ignores Range is tolerated only for files up to 256 KiB; beyond, the
// element shows an error naming the problem (kind `server-ignores-range`).

const TAG = 'maillage-map';


// The manifests of the maps already in the page start loading now, while
// the module downloads and compiles: each map needs its manifest first.
// Maps take the text by absolute address (two maps of one manifest share
// it); a failed early fetch (or one without an answer within 20 s, as the
// map's own requests) gives null, and the map fetches again to say what
// went wrong.
const early = new Map();
for (const el of document.querySelectorAll(`${TAG}[manifest]`)) {
  try {
    const url = new URL(el.getAttribute('manifest'), el.baseURI).href;
    if (!early.has(url)) {
      const signal = AbortSignal.timeout?.(20_000);
      early.set(url, fetch(url, { signal }).then((r) => (r.ok ? r.text() : null)).catch(() => null));
    }
  } catch {
    // Not an address: the map reports it.
  }
}
const prefetched = (url) => early.get(url) ?? null;

// Two builds of the module: the map alone, and the map with the places
// (sites layer, search, nearest places, coverage, cards, weak coverage
// zones), which weighs more. A page whose maps show places or zones
// (attributes `sites`, `zones`) loads the second.
const withPlaces = document.querySelector(`${TAG}[sites], ${TAG}[zones]`) !== null;
const MODULE = withPlaces ? './pkg/maillage_places.js' : './pkg/maillage.js';
// The module downloads and compiles now, while its glue downloads: the glue
// then only links it (instantiating the response after the glue arrived
// left the compilation for later, 8 to 16 ms of the first view).
const wasmUrl = new URL(MODULE.replace(/\.js$/, '_bg.wasm'), import.meta.url);
const wasm = fetch(wasmUrl).then(async (response) => {
  if (!response.ok) throw new Error(`failed to fetch Wasm: ${response.status} ${response.statusText} fetching '${response.url}'`);
  // Streaming compilation needs the wasm MIME type; a server without it
  // still works, compiling once the bytes are in.
  if (/^application\/wasm\b/i.test(response.headers.get('Content-Type') ?? '')) return WebAssembly.compileStreaming(response);
  console.warn(`maillage: ${response.url} is not served as application/wasm: compiled after its download, slower`);
  return WebAssembly.compile(await response.arrayBuffer());
});
// A failure is reported by `init` below, once the glue is in.
wasm.catch(() => {});
let { default: init, Widget } = await import(MODULE);

// A Rust panic stops the module for good (wasm32 aborts): its hook sends
// `maillage:error` (kind `panic`) to every map. The maps then start again
// on a fresh instance of the module (a new import of the glue), at most
// MAX_RESTARTS times per page, and say so in their status line.
const MAX_RESTARTS = 3;
const maps = new Set();
let restarts = 0;
let restarting = null;
document.addEventListener('maillage:error', (e) => {
  if (e.detail?.kind !== 'panic' || restarting || restarts >= MAX_RESTARTS) return;
  restarts += 1;
  restarting = import(`${MODULE}?instance=${restarts}`).then(async (fresh) => {
    await fresh.default();
    ({ Widget } = fresh);
    for (const el of maps) el.restart();
  }).catch((error) => console.error(`maillage: redémarrage impossible : ${error}`))
    .finally(() => { restarting = null; });
});

class MaillageMap extends HTMLElement {
  static get observedAttributes() {
    return Widget.observedAttributes();
  }

  connectedCallback() {
    maps.add(this);
    // Connected again after a move: start afresh.
    this.#stop();
    this.#start();
  }

  disconnectedCallback() {
    maps.delete(this);
    // Aborts fetches, disconnects the observer, drops the frame callback.
    this.#stop();
  }

  /** After a panic: a new widget from the fresh module, which says it restarted. */
  restart() {
    this.#stop();
    this.#start();
    this.#widget?.noteRestart();
  }

  #start() {
    try {
      this.#widget = new Widget(this, prefetched);
    } catch (error) {
      fail(this, 'start', `la carte n'a pas pu démarrer : ${error}`);
    }
  }

  #stop() {
    try {
      this.#widget?.free();
    } catch {
      // A widget of a module that panicked may not free cleanly: dropped.
    }
    this.#widget = null;
  }

  /** Screen position [x, y] (CSS px) of a lon/lat point, or undefined before anything is drawn. */
  project(lon, lat) {
    const p = this.#widget?.project(lon, lat);
    return p ? Array.from(p) : undefined;
  }

  /** Moves the map to lon/lat (degrees) at a zoom (0–22); throws before the map is ready. */
  setView(lon, lat, zoom) {
    if (!this.#widget) throw new Error('maillage: carte non démarrée');
    this.#widget.setView(lon, lat, zoom);
  }

  /** The current view as {lon, lat, zoom}, or undefined before anything is drawn. */
  getView() {
    const v = this.#widget?.getView();
    return v ? { lon: v[0], lat: v[1], zoom: v[2] } : undefined;
  }

  attributeChangedCallback(name, oldValue, newValue) {
    // Before connection the widget reads the attributes itself.
    this.#widget?.attributeChanged(name, oldValue, newValue);
  }

  #widget = null;
}

function fail(element, kind, message) {
  element.dispatchEvent(new CustomEvent('maillage:error', {
    bubbles: true, composed: true, detail: { kind, message },
  }));
}

init({ module_or_path: wasm }).then(
  () => {
    if (!customElements.get(TAG)) customElements.define(TAG, MaillageMap);
  },
  (error) => {
    // The module did not load (wrong MIME type for .wasm, blocked by CSP…):
    // the elements keep their fallback content; tell the page.
    const message = `la carte n'a pas pu démarrer : ${error}`;
    console.error(`maillage: ${message}`);
    for (const el of document.querySelectorAll(TAG)) fail(el, 'load', message);
  },
);
