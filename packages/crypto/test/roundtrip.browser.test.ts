/**
 * Browser entry for the round-trip suite: bundled by esbuild and run in Chromium by
 * browser-runner.ts. Excluded from vitest (it is not a vitest file).
 */
import { ready } from '../src/sodium.ts';
import { roundTripCases } from './roundtrip-suite.ts';
import vectors from './vectors.json' with { type: 'json' };

interface CaseResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

const results: CaseResult[] = [];
let fatal: string | undefined;
try {
  await ready();
  for (const c of roundTripCases(vectors.valid)) {
    const start = performance.now();
    try {
      await c.run();
      results.push({ name: c.name, ok: true, ms: performance.now() - start });
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      results.push({ name: c.name, ok: false, ms: performance.now() - start, error: message });
    }
  }
} catch (error) {
  fatal = error instanceof Error ? (error.stack ?? error.message) : String(error);
}

(globalThis as { __spreekuurResults?: unknown }).__spreekuurResults = {
  userAgent: (globalThis as { navigator?: { userAgent: string } }).navigator?.userAgent ?? 'unknown',
  results,
  fatal,
};
