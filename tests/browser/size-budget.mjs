// Size budget of the widget: what a partner page downloads to start the map
// (the wasm module, its wasm-bindgen glue and www/maillage.js) must stay at
// most 150 KiB (150 × 1024 = 153,600 bytes) compressed with brotli (quality
// 11). Prints raw / gzip -9 / brotli sizes; exits 1 over the budget.
// Run: node tests/browser/size-budget.mjs   (scripts/test runs it after
// building the widget; tests/browser/bench.mjs reuses moduleSizes()).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { ROOT } from './harness.mjs';

export const BUDGET_BROTLI = 150 * 1024;
export const FILES = ['www/pkg/maillage_bg.wasm', 'www/pkg/maillage.js', 'www/maillage.js'];

/** {files: [{file, raw, gzip, brotli}], total: {raw, gzip, brotli}} of FILES. */
export function moduleSizes() {
  const files = FILES.map((file) => {
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
  let sizes;
  try {
    sizes = moduleSizes();
  } catch (e) {
    console.error(`size budget: ${e.message} (build the widget first: scripts/build-widget)`);
    process.exit(1);
  }
  console.log(sizeLines(sizes).join('\n'));
  const { brotli } = sizes.total;
  const verdict = `brotli total ${brotli} bytes, budget ${BUDGET_BROTLI} bytes (150 KiB)`;
  if (brotli > BUDGET_BROTLI) {
    console.error(`size budget EXCEEDED: ${verdict}`);
    process.exit(1);
  }
  console.log(`size budget ok: ${verdict}, ${BUDGET_BROTLI - brotli} bytes to spare`);
}
