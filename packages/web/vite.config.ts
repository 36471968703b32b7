import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes .br and .gz beside every built asset (the gateway sends them to browsers that accept them),
 * and shell.json: the list of the built assets the service worker keeps.
 */
function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'spreekuur-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      const dir = join(outDir, 'assets');
      // Every file of the build, for the service worker: chunks loaded later (the SDK) are not
      // named in index.html, yet the app needs them offline.
      const shell = readdirSync(dir)
        .filter((name) => !/\.(gz|br)$/.test(name))
        .map((name) => `/assets/${name}`);
      writeFileSync(join(outDir, 'shell.json'), JSON.stringify(shell));
      for (const name of readdirSync(dir)) {
        if (!/\.(js|css|wasm|svg)$/.test(name)) continue;
        const body = readFileSync(join(dir, name));
        writeFileSync(join(dir, `${name}.gz`), gzipSync(body, { level: 9 }));
        writeFileSync(join(dir, `${name}.br`), brotliCompressSync(body));
      }
    },
  };
}

/**
 * The SDK brings libsodium-wrappers-sumo (key backup) and the crypto core libsodium-wrappers: the
 * sumo build is a superset, so the app ships it once for both (one WebAssembly instance, about
 * 135 KB gzip less than both).
 */
const sumo = fileURLToPath(
  new URL(
    './node_modules/libsodium-wrappers-sumo/dist/modules-sumo-esm/libsodium-wrappers.mjs',
    import.meta.url,
  ),
);

/**
 * Preact through Vite's own JSX transform (automatic runtime, `preact/jsx-runtime`): no plugin
 * needed. Hashed file names under assets/ let the gateway cache them for a year.
 */
export default defineConfig({
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  plugins: [precompress()],
  resolve: { alias: [{ find: /^libsodium-wrappers(-sumo)?$/, replacement: sumo }] },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // No inline module-preload polyfill: the CSP allows no inline script.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
    // libsodium (with its WebAssembly inside) is most of the bundle; the budget test (test/) guards the total.
    chunkSizeWarningLimit: 900,
    // Lazy-loaded feature pages split the bundle into chunks, and the shared chunk (protocol
    // schemas) would run before main.tsx's first import, src/zod-config.ts; zod probes
    // `new Function` when a schema is built without it (a CSP violation). Zod and its set-up in
    // one chunk of their own run before every chunk that builds schemas.
    rolldownOptions: {
      output: {
        codeSplitting: { groups: [{ name: 'zod', test: /[\\/]zod@|[\\/]src[\\/]zod-config\.ts$/ }] },
      },
    },
  },
});
