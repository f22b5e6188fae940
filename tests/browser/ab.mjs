// Two builds of the widget compared on the benchmark's views, A/B: the same
// server, browser and files, runs alternating A and B (order swapped every
// pair) in fresh pages with the cache off, a first pair thrown away. The
// scripts/bench medians move by a quarter from one run to the next; side by
// side, a change of a few percent shows. A program that prints figures, not
// a test.
//
//   scripts/build-widget && cp -r www/pkg www/maillage.js /tmp/a/   # before
//   (change, then) scripts/build-widget && cp -r www/pkg www/maillage.js /tmp/b/
//   node tests/browser/ab.mjs /tmp/a /tmp/b        # N=9 VIEWS=hdf,hs,npdc
//
// It copies each build to www/ab-A/, www/ab-B/ (not committed) and serves
// www/bench/widget.html pointing at each. Prints per view the medians (ms to
// the complete first paint) and, per run, when the module arrived, when the
// first layer file request left and when the last layer byte arrived (ms
// from the page's request).
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { benchResult, openPage, ROOT, startBrowser, startServer, withoutCache } from './harness.mjs';

const [dirA, dirB] = process.argv.slice(2);
if (!dirA || !dirB) {
  console.error('usage: node tests/browser/ab.mjs <build A> <build B> (each with maillage.js and pkg/)');
  process.exit(2);
}
const N = Math.min(30, Math.max(1, Number(process.env.N ?? 9) || 9));
const VIEWS = {
  hdf: 'bbox=1.38,48.83,4.26,51.09',
  hs: 'bbox=5.37,47.25,6.83,48.03',
  npdc: 'layer=communes&bbox=1.55,50.02,4.23,51.09',
  france: '',
};
const picked = (process.env.VIEWS ?? 'hdf,hs,npdc').split(',').filter((v) => v in VIEWS);

const page = await readFile(join(ROOT, 'www', 'bench', 'widget.html'), 'utf8');
for (const [side, dir] of [['A', dirA], ['B', dirB]]) {
  const out = join(ROOT, 'www', `ab-${side}`);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  await cp(join(dir, 'maillage.js'), join(out, 'maillage.js'));
  await cp(join(dir, 'pkg'), join(out, 'pkg'), { recursive: true });
  await writeFile(join(ROOT, 'www', 'bench', `widget-${side}.html`), page.replace('../maillage.js', `../ab-${side}/maillage.js`));
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]; };
const server = await startServer();
const browser = await startBrowser();
try {
  for (const name of picked) {
    const t = { A: [], B: [] };
    const net = { A: [], B: [] };
    for (let i = 0; i <= N; i++) {
      for (const side of i % 2 ? ['A', 'B'] : ['B', 'A']) {
        const { page: p } = await openPage(browser.context, 'about:blank');
        await p.setViewportSize({ width: 1024, height: 768 });
        const cdp = await p.context().newCDPSession(p);
        await withoutCache(cdp);
        const requests = new Map();
        cdp.on('Network.requestWillBeSent', (e) => requests.set(e.requestId, { url: e.request.url, sent: e.timestamp }));
        cdp.on('Network.loadingFinished', (e) => { const r = requests.get(e.requestId); if (r) r.end = e.timestamp; });
        await p.goto(`${server.url}/bench/widget-${side}.html?${VIEWS[name]}`, { waitUntil: 'commit', timeout: 90_000 });
        const r = await benchResult(p, 90_000);
        await p.close();
        if (r.error || r.notMeasured) throw new Error(`${name} ${side}: ${r.error ?? r.notMeasured}`);
        if (i === 0) continue;
        const all = [...requests.values()];
        const start = all.find((q) => q.url.includes(`widget-${side}.html`)).sent;
        const ms = (s) => Math.round((s - start) * 1000);
        const layers = all.filter((q) => q.url.includes('.fgb') && q.end);
        t[side].push(Math.round(r.done));
        net[side].push(`${ms(all.find((q) => q.url.endsWith('.wasm')).end)}/${ms(Math.min(...layers.map((q) => q.sent)))}/${ms(Math.max(...layers.map((q) => q.end)))}`);
      }
    }
    const [a, b] = [median(t.A), median(t.B)];
    // Each run's B over the A run beside it: the machine's speed drifts
    // over a series, and a pair shares its moment.
    const pairs = t.B.map((x, i) => x / t.A[i]).sort((x, y) => x - y);
    const q = (f) => pairs[Math.min(pairs.length - 1, Math.floor(f * pairs.length))].toFixed(2);
    console.log(`${name}: A ${a} ms, B ${b} ms (B/A ${(b / a).toFixed(2)}), medians of ${N}; paired B/A ${q(0.5)} (quartiles ${q(0.25)} to ${q(0.75)})`);
    for (const side of ['A', 'B']) {
      console.log(`  ${side} ms: ${t[side].join(' ')}`);
      console.log(`  ${side} module in / first layer file request / last layer byte: ${net[side].join(' ')}`);
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
