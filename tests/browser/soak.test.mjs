// Bounded resources (issue 6): 500 view changes over all of France, at
// every level of detail, keep the WebAssembly memory under 64 MiB (the
// range cache evicts what the views no longer need).
// Run: scripts/test (builds everything first), or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { nthEvent, openPage, useServerAndBrowser } from './harness.mjs';

const env = useServerAndBrowser();

const VIEWS = 500;
const CAP = 64 * 1024 * 1024;

describe('bounded resources', () => {
  test(`${VIEWS} view changes across France keep wasm memory under 64 MiB`, async () => {
    const { page, consoleErrors } = await openPage(env.browser.context, `${env.server.url}/carte.html`);
    assert.equal((await nthEvent(page, 1)).type, 'maillage:ready');
    const result = await page.evaluate(async ([views, cap]) => {
      // The module instance the map runs on (the same import as maillage.js).
      const wasm = await (await import('./pkg/maillage.js')).default();
      const memory = () => wasm.memory.buffer.byteLength;
      const el = document.querySelector('maillage-map');
      const start = memory();
      let peak = start;
      let seed = 42;
      const next = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const t0 = performance.now();
      let settled = 0;
      for (let i = 0; i < views; i += 1) {
        const renders = window.__maillageRenders.length;
        el.setView(-4.8 + 13 * next(), 42.3 + 8.8 * next(), 5 + 7 * next());
        // Every fourth view waits for its load (at most 3 s; a view inside
        // the box already loaded starts none); the others are replaced at
        // once, as when a reader pans quickly.
        if (i % 4 === 3) {
          const deadline = performance.now() + 3_000;
          while (window.__maillageRenders.length === renders && performance.now() < deadline) {
            await new Promise((r) => setTimeout(r, 10));
          }
          if (window.__maillageRenders.length > renders) settled += 1;
        } else {
          await new Promise((r) => requestAnimationFrame(r));
        }
        peak = Math.max(peak, memory());
        if (peak > cap) break;
      }
      return { start, peak, end: memory(), settled, seconds: (performance.now() - t0) / 1000 };
    }, [VIEWS, CAP]);
    const mib = (b) => (b / 1048576).toFixed(1);
    console.log(`soak: ${VIEWS} views in ${result.seconds.toFixed(1)} s, ${result.settled} loads awaited; `
      + `wasm memory ${mib(result.start)} MiB at start, ${mib(result.peak)} MiB at most, ${mib(result.end)} MiB at the end`);
    assert.ok(result.peak <= CAP, `wasm memory reached ${mib(result.peak)} MiB`);
    // The views did load (most awaited views start a load of their own).
    assert.ok(result.settled >= VIEWS / 8, `${result.settled} of ${VIEWS / 4} awaited views completed a load`);
    assert.deepEqual(consoleErrors, []);
    await page.close();
  });
});
