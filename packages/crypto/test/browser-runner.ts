/**
 * `pnpm --filter @spreekuur/crypto test:browser`: bundles the round-trip suite and runs it in
 * the system Chromium through @spreekuur/testing/chromium. The page is served from
 * http://localhost (a secure context) via request interception, so no port is opened and
 * nothing is downloaded. Exits non-zero on any failure.
 */
import { bundleForBrowser, openTestPage, pageResult, runInChromium } from '@spreekuur/testing/chromium';

interface Report {
  userAgent: string;
  results: { name: string; ok: boolean; ms: number; error?: string }[];
  fatal?: string;
}

const script = await bundleForBrowser(new URL('./roundtrip.browser.test.ts', import.meta.url));
console.log(`bundled round-trip suite: ${(script.length / 1024).toFixed(0)} KiB`);

const passed = await runInChromium(async (browser) => {
  const page = await openTestPage(browser, {
    base: 'http://localhost:4173/',
    script,
    title: 'crypto round trip',
  });
  const report = await pageResult<Report>(page, '__spreekuurResults', 120_000);
  console.log(`browser: ${report.userAgent}`);
  for (const r of report.results) {
    console.log(`  ${r.ok ? '✓' : '✗'} ${r.name} (${r.ms.toFixed(0)} ms)`);
    if (r.error !== undefined) console.log(r.error.replace(/^/gm, '      '));
  }
  if (report.fatal !== undefined) console.log(`fatal: ${report.fatal}`);
  const ok = report.results.filter((r) => r.ok).length;
  const failed = report.fatal !== undefined || ok !== report.results.length || report.results.length === 0;
  console.log(
    `${ok}/${report.results.length} round-trip cases passed in Chromium${failed ? ' — FAILED' : ''}`,
  );
  return !failed;
});
process.exit(passed ? 0 : 1);
