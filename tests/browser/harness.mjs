// Shared by the browser tests: the project's static server and a headless
// Chromium (Debian's /usr/bin/chromium driven by playwright-core), each with
// a time limit, and both stopped by the caller's `after` hooks.
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = join(ROOT, 'tests', 'browser', 'out');
const SERVER = join(process.env.CARGO_TARGET_DIR ?? join(ROOT, 'target'), 'release', 'maillage-serve');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Waits at most `ms` for `promise`, else rejects naming `what`. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A benchmark page's result (`window.__bench`), read by a plain CDP
 * evaluation that polls every 20 ms. Playwright's `waitForFunction` would
 * first inject its own script into the page, about 20 ms of the main thread
 * while the page loads: the harness's time, not the page's.
 */
export async function benchResult(page, timeout) {
  const cdp = await page.context().newCDPSession(page);
  const expression = `new Promise((resolve) => {
    const poll = () => (window.__bench ? resolve(window.__bench) : setTimeout(poll, 20));
    poll();
  })`;
  try {
    // Sent right after the navigation commits, the evaluation may land in
    // the page being replaced: then it is sent again (a few times at most).
    for (let tries = 1; ; tries++) {
      try {
        const r = await within(timeout, 'window.__bench', cdp.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }));
        if (r.exceptionDetails) throw new Error(r.exceptionDetails.exception?.description ?? r.exceptionDetails.text);
        return r.result.value;
      } catch (e) {
        if (tries >= 5 || !/context|destroyed/i.test(e.message)) throw e;
      }
    }
  } finally {
    await cdp.detach().catch(() => {});
  }
}

/** The built manifest (scripts/test builds www/layers first). */
export async function manifest() {
  const path = join(ROOT, 'www', 'layers', 'manifest.json');
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (e) {
    throw new Error(`${path} unreadable (${e.message}): build the layers first (scripts/test does)`);
  }
}

/**
 * Starts `maillage-serve --root www --port 0` (release build) and returns
 * {url, stats(), fault(spec), stop()}. The address is its first stdout line.
 */
export async function startServer() {
  const child = spawn(SERVER, ['--root', join(ROOT, 'www'), '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = await within(10_000, 'maillage-serve address', new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl).trim().replace(/\/$/, ''));
    });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`maillage-serve exited (${code}): ${stderr}`)));
  }));
  const call = async (method, path) => {
    const res = await within(5_000, `${method} ${path}`, fetch(url + path, { method }));
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
    return res.json();
  };
  return {
    url,
    stats: () => call('GET', '/__stats'),
    resetStats: () => call('POST', '/__stats/reset'),
    fault: (spec) => call('POST', `/__fault?${spec}`),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await within(5_000, 'maillage-serve exit', exited);
    },
  };
}

/**
 * Launches headless Chromium with a fresh profile in a temporary folder,
 * with extra command-line `args` if given.
 * Returns {context, close()}; close() also removes the profile.
 */
export async function startBrowser({ deviceScaleFactor = 1, args = [] } = {}) {
  const profile = await mkdtemp(join(tmpdir(), 'maillage-chromium-'));
  const context = await within(30_000, 'Chromium launch', chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags Chromium floods the closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
    viewport: { width: 900, height: 600 },
    deviceScaleFactor,
    timeout: 30_000,
  }));
  context.setDefaultTimeout(15_000);
  return {
    context,
    async close() {
      await within(15_000, 'Chromium close', context.close()).catch(() => {});
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Registers `before` and `after` hooks of the calling test file that start
 * and stop one server and one browser; the object returned holds them as
 * `server` and `browser` once started.
 */
export function useServerAndBrowser(browserOptions = {}) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer();
    env.browser = await startBrowser(browserOptions);
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/**
 * Turns the HTTP cache off for a CDP session's page. The Network domain it
 * needs is enabled without response buffers: by default DevTools keeps a
 * copy of every body, which no visitor's browser does (the communes view
 * took about 50 ms longer with the buffers, medians of 7).
 */
export async function withoutCache(cdp) {
  await cdp.send('Network.enable', { maxTotalBufferSize: 0, maxResourceBufferSize: 0 });
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
}

/**
 * Opens `url` in a new page, HTTP cache off, that records every maillage:*
 * event (from before the page's own scripts run) and every console error.
 * With `cache: true` the page keeps the HTTP cache, as a visitor's browser
 * does, emptied first.
 */
export async function openPage(context, url, { cache = false } = {}) {
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  // Every page fetches from the server: the tests count requests and change
  // how the server answers, which a cached 206 would hide.
  const cdp = await context.newCDPSession(page);
  if (cache) await cdp.send('Network.clearBrowserCache');
  else await withoutCache(cdp);
  await page.addInitScript(() => {
    window.__maillageEvents = [];
    for (const type of ['maillage:ready', 'maillage:error']) {
      document.addEventListener(type, (e) => window.__maillageEvents.push({ type, id: e.target.id, detail: e.detail }), true);
    }
    // Kept apart so that the ready/error numbering above does not change.
    window.__maillageRenders = [];
    document.addEventListener('maillage:render', (e) => window.__maillageRenders.push(e.detail), true);
  });
  await page.goto(url, { waitUntil: 'load', timeout: 15_000 });
  return { page, consoleErrors };
}

/** Waits for the `n`-th maillage:* event of the page (1-based) and returns it. */
export async function nthEvent(page, n = 1, timeout = 15_000) {
  await page.waitForFunction((k) => window.__maillageEvents.length >= k, n, { timeout });
  return page.evaluate((k) => window.__maillageEvents[k - 1], n);
}

/** Waits for the `n`-th maillage:render event's detail of the page (1-based). */
export async function nthRender(page, n = 1, timeout = 15_000) {
  await page.waitForFunction((k) => window.__maillageRenders.length >= k, n, { timeout });
  return page.evaluate((k) => window.__maillageRenders[k - 1], n);
}

/** Screenshot into tests/browser/out/NAME.png; returns the path. */
export async function screenshot(page, name) {
  await mkdir(OUT, { recursive: true });
  const path = join(OUT, `${name}.png`);
  await page.screenshot({ path, timeout: 10_000 });
  return path;
}

/**
 * Colour of the canvas pixel under a lon/lat point of the map `selector`,
 * and the legend's classes with their exact bounds and swatch colours.
 */
export const colourAt = (page, lon, lat, selector = 'maillage-map') => page.evaluate(([lon, lat, selector]) => {
  const el = document.querySelector(selector);
  const canvas = el.shadowRoot.querySelector('canvas');
  const [x, y] = el.project(lon, lat);
  const k = canvas.width / canvas.getBoundingClientRect().width;
  const [r, g, b] = canvas.getContext('2d').getImageData(Math.round(x * k), Math.round(y * k), 1, 1).data;
  const classes = [...el.shadowRoot.querySelectorAll('.legend button[data-class]')].map((btn) => ({
    lower: Number(btn.dataset.lower), upper: Number(btn.dataset.upper),
    colour: getComputedStyle(btn.querySelector('.swatch')).backgroundColor,
  }));
  return { pixel: `rgb(${r}, ${g}, ${b})`, classes };
}, [lon, lat, selector]);
