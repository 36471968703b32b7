/**
 * `pnpm --filter @spreekuur/crypto test:browser`: bundles the round-trip suite with esbuild and
 * runs it in the system Chromium (/usr/bin/chromium, or $CHROMIUM_PATH) through playwright-core.
 * The page is served from http://localhost (a secure context) via request interception, so no
 * port is opened and nothing is downloaded. Exits non-zero on any failure.
 */
import { build } from 'esbuild';
import { chromium } from 'playwright-core';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ORIGIN = 'http://localhost:4173';

interface Report {
  userAgent: string;
  results: { name: string; ok: boolean; ms: number; error?: string }[];
  fatal?: string;
}

const bundle = await build({
  entryPoints: [new URL('./roundtrip.browser.test.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const script = bundle.outputFiles[0]!.text;
console.log(`bundled round-trip suite: ${(script.length / 1024).toFixed(0)} KiB`);

const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
let failed = true;
try {
  const page = await browser.newPage();
  page.on('console', (message) => console.log(`  [browser ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.error(`  [browser error] ${error.message}`));
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/') {
      await route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><meta charset="utf-8"><title>crypto round trip</title><script type="module" src="/suite.js"></script>',
      });
    } else if (path === '/suite.js') {
      await route.fulfill({ contentType: 'text/javascript', body: script });
    } else {
      await route.fulfill({ status: 404, body: '' });
    }
  });
  await page.goto(`${ORIGIN}/`);
  const handle = await page.waitForFunction(
    () => (globalThis as { __spreekuurResults?: unknown }).__spreekuurResults,
    null,
    {
      timeout: 120_000,
    },
  );
  const report = (await handle.jsonValue()) as Report;
  console.log(`browser: ${report.userAgent}`);
  for (const r of report.results) {
    console.log(`  ${r.ok ? '✓' : '✗'} ${r.name} (${r.ms.toFixed(0)} ms)`);
    if (r.error !== undefined) console.log(r.error.replace(/^/gm, '      '));
  }
  if (report.fatal !== undefined) console.log(`fatal: ${report.fatal}`);
  const passed = report.results.filter((r) => r.ok).length;
  failed = report.fatal !== undefined || passed !== report.results.length || report.results.length === 0;
  console.log(
    `${passed}/${report.results.length} round-trip cases passed in Chromium${failed ? ' — FAILED' : ''}`,
  );
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
