// The widget against its peer (Leaflet 1.9.4 + flatgeobuf 4.5, www/bench/),
// in the same headless Chromium, against the same maillage-serve and files.
// A program that prints figures, not a test: run it with scripts/bench, which
// builds everything first (layers, widget, server, npm packages, vendor/).
//
// After one uncounted page of each side (a fresh browser's first page pays
// its start-up), for each view, at 1024×768 and device pixel ratio 1, RUNS
// runs of each page (alternating), each in a new page with the HTTP cache off (every run
// fetches everything): time from navigation start to the complete first
// paint (the page's own performance.now(), see www/bench/*.js), bytes and
// requests counted by the server (/__stats, reset before each run). Then the
// frame times while dragging the map, and the module sizes. Prints a table
// and writes tests/browser/out/bench.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchResult, OUT, openPage, startBrowser, startServer, within } from './harness.mjs';
import { BUDGET_BROTLI, moduleSizes, sizeLines } from './size-budget.mjs';

// BENCH_RUNS=1 for a quick look; the recorded figures use 5.
const RUNS = Math.min(20, Math.max(1, Number(process.env.BENCH_RUNS ?? 5) || 5));
const VIEWPORT = { width: 1024, height: 768 };
const RUN_TIMEOUT = 90_000;
/** Pointer moves of a drag (half right, half back left), about one a frame. */
const PAN_MOVES = 120;
const PAN_STEP_PX = 4;

const FRANCE = [-5.2, 41.3, 9.6, 51.1];
const VIEWS = [
  { id: 'france-epci', name: 'France (EPCI)', bbox: FRANCE, peerFile: 'epci.fgb', widget: 'france' },
  { id: 'hdf-epci', name: 'Hauts-de-France (EPCI)', bbox: [1.38, 48.83, 4.26, 51.09], peerFile: 'epci.fgb', widget: 'bbox' },
  { id: 'haute-saone-epci', name: 'Haute-Saône (EPCI)', bbox: [5.37, 47.25, 6.83, 48.03], peerFile: 'epci.fgb', widget: 'bbox' },
  { id: 'npdc-communes', name: 'Nord–Pas-de-Calais (communes)', bbox: [1.55, 50.02, 4.23, 51.09], peerFile: 'communes.fgb',
    widget: 'bbox', layer: 'communes' },
];
/** Views whose pan frame times are measured, per side. */
const PAN = { widget: ['france-epci', 'hdf-epci', 'npdc-communes'], peer: ['france-epci', 'npdc-communes'] };

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

function pageUrl(server, side, view) {
  const bbox = view.bbox.join(',');
  if (side === 'peer') return `${server.url}/bench/peer.html?file=${view.peerFile}&bbox=${bbox}`;
  const layer = view.layer ? `layer=${view.layer}&` : '';
  return view.widget === 'france' ? `${server.url}/bench/widget.html?${layer}` : `${server.url}/bench/widget.html?${layer}bbox=${bbox}`;
}

/** Opens a fresh page (cache off, 1024×768) and loads `url`; resolves when window.__bench is set. */
async function load(browser, url) {
  const { page, consoleErrors } = await openPage(browser.context, 'about:blank');
  await page.setViewportSize(VIEWPORT);
  await page.goto(url, { waitUntil: 'commit', timeout: RUN_TIMEOUT });
  const result = await benchResult(page, RUN_TIMEOUT);
  return { page, result, consoleErrors };
}

/** One measured run: {ms, bytes, requests, features?} or {notMeasured} / {error}. */
async function run(browser, server, url) {
  await server.resetStats();
  const { page, result, consoleErrors } = await load(browser, url);
  const stats = await server.stats();
  await page.close();
  if (result.error) throw new Error(`${url}: ${result.error} ${consoleErrors.join(' | ')}`);
  if (result.notMeasured) return { notMeasured: result.notMeasured };
  return { ms: result.done, bytes: stats.bytes, requests: stats.requests, features: result.features ?? result.ready?.features,
    paths: Object.fromEntries(Object.entries(stats.paths).map(([p, s]) => [p, { requests: s.requests, bytes: s.bytes }])) };
}

/** Drags the loaded map and returns rAF intervals and per-frame main-thread work (ms). */
async function pan(browser, url) {
  const { page, result } = await load(browser, url);
  if (result.error || result.notMeasured) {
    await page.close();
    return { notMeasured: result.error ?? result.notMeasured };
  }
  // The widget takes gestures once built: a region's first paint comes
  // before its national overview (docs/PERFORMANCE.md).
  if (url.includes('/widget')) await page.waitForFunction(() => window.__benchReady === true, null, { timeout: RUN_TIMEOUT });
  const x0 = VIEWPORT.width / 2 - (PAN_MOVES / 4) * PAN_STEP_PX;
  const y = VIEWPORT.height / 2;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move(x0 + PAN_STEP_PX, y);
  // Recorded during the drag only. Interval: between consecutive rAF
  // timestamps (frame starts). Work: from the frame start to a message posted
  // from rAF, handled once the frame's input events, animation callbacks,
  // style, layout and paint are done (the main thread's share of the frame).
  await page.evaluate(() => {
    const rec = { intervals: [], work: [], running: true };
    window.__pan = rec;
    const channel = new MessageChannel();
    let frameStart = 0;
    channel.port1.onmessage = () => { if (rec.running) rec.work.push(performance.now() - frameStart); };
    let last = null;
    const tick = (t) => {
      if (!rec.running) return;
      if (last !== null) rec.intervals.push(t - last);
      last = t;
      frameStart = t;
      channel.port2.postMessage(0);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  // Back to back: Chromium aligns mouse moves on frames and acknowledges each
  // once handled, so this is about one move per frame.
  for (let i = 2; i <= PAN_MOVES; i += 1) {
    const k = i <= PAN_MOVES / 2 ? i : PAN_MOVES - i;
    await page.mouse.move(x0 + k * PAN_STEP_PX, y + (k % 2));
  }
  const rec = await page.evaluate(() => {
    window.__pan.running = false;
    return { intervals: window.__pan.intervals, work: window.__pan.work };
  });
  await page.close();
  return {
    frames: rec.intervals.length,
    /** Frames that took longer than one 60 Hz refresh (a frame or more dropped). */
    slowFrames: rec.intervals.filter((t) => t > 20).length,
    intervalP50: median(rec.intervals), intervalP95: percentile(rec.intervals, 95),
    workP50: median(rec.work), workP95: percentile(rec.work, 95),
  };
}

const fmtMs = (x) => (x == null ? '—' : `${Math.round(x)}`);
const fmtKB = (b) => (b == null ? '—' : `${(b / 1024).toFixed(0)} KB`);
const ratio = (a, b) => (a == null || b == null ? '—' : (a / b).toFixed(2));

async function main() {
  const server = await startServer();
  const browser = await startBrowser({ deviceScaleFactor: 1 });
  const out = { date: new Date().toISOString(), viewport: VIEWPORT, runs: RUNS,
    chromium: null, views: [], pan: [], sizes: null };
  try {
    const probe = await browser.context.newPage();
    out.chromium = await probe.evaluate(() => navigator.userAgent);
    await probe.close();
    // One page of each side first, not counted: a fresh browser's first
    // page pays its start-up (about 180 ms more, always the widget's, which
    // goes first), as `ab.mjs` throws its first pair away.
    for (const side of ['widget', 'peer']) {
      const { page } = await within(RUN_TIMEOUT + 15_000, `${side} warm-up`, load(browser, pageUrl(server, side, VIEWS[0])));
      await page.close();
    }
    for (const view of VIEWS) {
      const runs = { widget: [], peer: [] };
      for (let i = 0; i < RUNS; i += 1) {
        for (const side of ['widget', 'peer']) {
          if (side === 'widget' && !view.widget) continue;
          const r = await within(RUN_TIMEOUT + 15_000, `${side} ${view.id} run ${i + 1}`,
            run(browser, server, pageUrl(server, side, view)));
          runs[side].push(r);
          process.stderr.write(`  ${view.id} ${side} run ${i + 1}: ${r.notMeasured ? r.notMeasured : `${r.ms.toFixed(0)} ms, ${r.bytes} B, ${r.requests} req`}\n`);
        }
      }
      const summary = (side) => {
        const rs = runs[side];
        if (side === 'widget' && !view.widget) return { notMeasured: view.widgetWhy };
        if (rs.some((r) => r.notMeasured)) return { notMeasured: rs.find((r) => r.notMeasured).notMeasured };
        return { medianMs: median(rs.map((r) => r.ms)), ms: rs.map((r) => Math.round(r.ms)),
          bytes: median(rs.map((r) => r.bytes)), requests: median(rs.map((r) => r.requests)),
          features: rs[0].features, paths: rs[0].paths };
      };
      const w = summary('widget');
      const p = summary('peer');
      out.views.push({ id: view.id, name: view.name, bbox: view.bbox, peerFile: view.peerFile, widget: w, peer: p,
        timeRatio: w.medianMs != null ? w.medianMs / p.medianMs : null,
        byteRatio: w.bytes != null ? w.bytes / p.bytes : null });
    }
    for (const side of ['widget', 'peer']) {
      for (const id of PAN[side]) {
        const view = VIEWS.find((v) => v.id === id);
        const r = await within(RUN_TIMEOUT + 30_000, `pan ${side} ${id}`, pan(browser, pageUrl(server, side, view)));
        out.pan.push({ side, view: id, ...r });
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  out.sizes = moduleSizes();

  const lines = [];
  lines.push(`Widget against the peer (Leaflet 1.9.4 + flatgeobuf 4.5), ${VIEWPORT.width}×${VIEWPORT.height}, median of ${RUNS}, cache off`);
  lines.push('');
  lines.push('| view | widget ms | peer ms | time ratio | widget bytes / req | peer bytes / req | byte ratio |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|');
  for (const v of out.views) {
    const w = v.widget.notMeasured ? 'not measured yet' : fmtMs(v.widget.medianMs);
    const wb = v.widget.notMeasured ? '—' : `${fmtKB(v.widget.bytes)} / ${v.widget.requests}`;
    lines.push(`| ${v.name} | ${w} | ${fmtMs(v.peer.medianMs)} | ${ratio(v.widget.medianMs, v.peer.medianMs)} | ${wb} | ${fmtKB(v.peer.bytes)} / ${v.peer.requests} | ${ratio(v.widget.bytes, v.peer.bytes)} |`);
  }
  for (const v of out.views) if (v.widget.notMeasured) lines.push(`  ${v.name}, widget not measured yet: ${v.widget.notMeasured}`);
  lines.push('');
  lines.push(`Pan: ${PAN_MOVES} pointer moves of ${PAN_STEP_PX} px, back to back (ms; interval = between rAF timestamps, work = frame start to end of its rendering)`);
  lines.push('');
  lines.push('| side | view | frames | over 20 ms | interval p50 | interval p95 | work p50 | work p95 |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
  for (const p of out.pan) {
    if (p.notMeasured) lines.push(`| ${p.side} | ${p.view} | not measured yet: ${p.notMeasured} | | | | | |`);
    else lines.push(`| ${p.side} | ${p.view} | ${p.frames} | ${p.slowFrames} | ${p.intervalP50.toFixed(1)} | ${p.intervalP95.toFixed(1)} | ${p.workP50.toFixed(1)} | ${p.workP95.toFixed(1)} |`);
  }
  lines.push('');
  lines.push('Module sizes (bytes):');
  lines.push(...sizeLines(out.sizes));
  lines.push(`  budget: brotli total ≤ ${BUDGET_BROTLI} (150 KiB)`);
  console.log(lines.join('\n'));

  await mkdir(OUT, { recursive: true });
  const path = join(OUT, 'bench.json');
  await writeFile(path, `${JSON.stringify(out, null, 2)}\n`);
  console.log(`\nwritten: ${path}`);
}

main().catch((e) => {
  console.error(`bench failed: ${e.stack ?? e}`);
  process.exit(1);
});
