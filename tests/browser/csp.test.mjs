// Hostile pages (issue 6): the widget under the strict Content-Security-Policy
// that docs/EMBED.md gives partners, and inside a sandboxed iframe (an opaque
// origin: every read is cross-origin and needs the CORS headers of
// docs/HOSTING.md).
// Run: scripts/test (builds everything first), or `node --test tests/browser/`.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openPage, screenshot, useServerAndBrowser } from './harness.mjs';

// Chromium's Local Network Access checks refuse an opaque origin's reads of
// a loopback server (the test's 127.0.0.1), which a partner's site on the
// web never meets: switched off here, everything else as shipped.
const env = useServerAndBrowser({ args: ['--disable-features=LocalNetworkAccessChecks'] });

/** The policy of docs/EMBED.md: nothing inline, no eval, only wasm compilation added. */
const POLICY = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
  + "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'self'";

/** A page with only the embed snippet (and the places, the larger module). */
const EMBED = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Carte</title><link rel="icon" href="data:,">
  <script type="module" src="maillage.js"></script></head>
  <body><main><maillage-map manifest="layers/manifest.json" sites></maillage-map></main></body></html>`;

/** Records the page's CSP violations, from before its scripts run. */
const watchViolations = (page) => page.addInitScript(() => {
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
});

/** Waits in `frame` for the places' count ("62 733 lieux"). */
const placesShown = (frame) => frame.waitForFunction(() => /\d lieux?\b/.test(
  document.querySelector('maillage-map')?.shadowRoot?.querySelector('.places .count')?.textContent ?? ''), null, { timeout: 30_000 });

describe('hostile pages', () => {
  test('works under a strict Content-Security-Policy', async () => {
    const context = env.browser.context;
    await context.route('**/strict.html', (route) => route.fulfill({
      body: EMBED, contentType: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': POLICY },
    }));
    try {
      const page = await context.newPage();
      await watchViolations(page);
      const consoleErrors = [];
      page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
      await page.goto(`${env.server.url}/strict.html`);
      await placesShown(page);
      // Styled (the constructed sheet applies): the legend is a panel over the map.
      const legend = await page.evaluate(() => getComputedStyle(
        document.querySelector('maillage-map').shadowRoot.querySelector('.legend')).position);
      assert.equal(legend, 'absolute');
      await page.locator('maillage-map').locator('#q').fill('arras');
      await page.locator('maillage-map').locator('#q').press('Enter');
      await page.waitForFunction(() => document.querySelector('maillage-map').shadowRoot.querySelectorAll('.nearest button.place').length > 0);
      await screenshot(page, 'csp-stricte');
      assert.deepEqual(await page.evaluate(() => window.__violations), []);
      assert.deepEqual(consoleErrors, []);
      await page.close();
    } finally {
      await context.unroute('**/strict.html');
    }
  });

  test('works in a sandboxed iframe (scripts only, opaque origin)', async () => {
    const context = env.browser.context;
    await context.route('**/embed.html', (route) => route.fulfill({ body: EMBED, contentType: 'text/html; charset=utf-8' }));
    await context.route('**/host.html', (route) => route.fulfill({
      body: `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Hôte</title><link rel="icon" href="data:,"></head>
        <body><iframe sandbox="allow-scripts" src="embed.html" title="Carte de l'inclusion numérique" width="860" height="560"></iframe></body></html>`,
      contentType: 'text/html; charset=utf-8',
    }));
    try {
      const { page, consoleErrors } = await openPage(context, `${env.server.url}/host.html`);
      const frame = page.frames().find((f) => f.url().endsWith('/embed.html'));
      assert.ok(frame, 'the iframe loads');
      assert.equal(await frame.evaluate(() => window.origin), 'null', 'an opaque origin');
      await placesShown(frame);
      await screenshot(page, 'iframe-sandbox');
      assert.deepEqual(consoleErrors, []);
      await page.close();
    } finally {
      await context.unroute('**/embed.html');
      await context.unroute('**/host.html');
    }
  });
});
