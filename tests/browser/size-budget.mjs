// Size budget of the widget: what a partner page downloads to start the map
// (the wasm module, its wasm-bindgen glue and www/maillage.js) must stay at
// most 150 KiB (150 × 1024 = 153,600 bytes) compressed with brotli (quality
// 11). Pages whose maps show the places load the module with places
// instead (search, filters, nearest places, coverage, cards): at most
// 222 KiB (PLACES_BUDGET_BROTLI; 220 until the communes' table, whose
// reader took 800 bytes and spares those pages 906 KB of data). Prints raw / gzip -9 / brotli sizes of
// both; exits 1 when either is over its budget.
// Run: node tests/browser/size-budget.mjs   (scripts/test runs it after
// building the widget; tests/browser/bench.mjs reuses moduleSizes()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ROOT } from './harness.mjs';

export const BUDGET_BROTLI = 150 * 1024;
export const FILES = ['www/pkg/maillage_bg.wasm', 'www/pkg/maillage.js', 'www/maillage.js'];
export const PLACES_BUDGET_BROTLI = 222 * 1024;
export const PLACES_FILES = ['www/pkg/maillage_places_bg.wasm', 'www/pkg/maillage_places.js', 'www/maillage.js'];

/** {files: [{file, raw, gzip, brotli}], total: {raw, gzip, brotli}} of `list` (the map module's by default). */
export function moduleSizes(list = FILES) {
  const files = list.map((file) => {
    const bytes = readFileSync(join(ROOT, file));
    return {
      file,
      raw: bytes.length,
      gzip: gzipSync(bytes, { level: 9 }).length,
      brotli: brotliCompressSync(bytes, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: 11,
          [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        },
      }).length,
    };
  });
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const f of files) for (const k of Object.keys(total)) total[k] += f[k];
  return { files, total };
}

/** The sizes as printable lines. */
export function sizeLines({ files, total }) {
  const row = (name, s) => `  ${name.padEnd(28)} ${String(s.raw).padStart(9)} ${String(s.gzip).padStart(9)} ${String(s.brotli).padStart(9)}`;
  return [
    `  ${'file'.padEnd(28)} ${'raw'.padStart(9)} ${'gzip -9'.padStart(9)} ${'brotli 11'.padStart(9)}`,
    ...files.map((f) => row(f.file, f)),
    row('total (JS + wasm)', total),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  let failed = false;
  for (const [name, list, budget] of [
    ['map', FILES, BUDGET_BROTLI],
    ['map with places', PLACES_FILES, PLACES_BUDGET_BROTLI],
  ]) {
    let sizes;
    try {
      sizes = moduleSizes(list);
    } catch (e) {
      console.error(`size budget: ${e.message} (build the widget first: scripts/build-widget)`);
      process.exit(1);
    }
    console.log(`${name}:`);
    console.log(sizeLines(sizes).join('\n'));
    const { brotli } = sizes.total;
    const verdict = `${name}: brotli total ${brotli} bytes, budget ${budget} bytes (${budget / 1024} KiB)`;
    if (brotli > budget) {
      console.error(`size budget EXCEEDED: ${verdict}`);
      failed = true;
    } else {
      console.log(`size budget ok: ${verdict}, ${budget - brotli} bytes to spare`);
    }
  }
  if (failed) process.exit(1);
}
