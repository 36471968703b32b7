import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it, onTestFinished } from 'vitest';
import budget from '../budget.json' with { type: 'json' };
import { buildInto } from '../scripts/ensure-built.ts';

/** Every file index.html makes the browser fetch before the first screen: scripts, styles, and what they import. */
async function firstLoad(dist: string): Promise<string[]> {
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const files = new Set(['index.html']);
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith('.js')) continue;
    // Static imports between chunks (dynamic import() chunks load later and are not counted).
    const code = await readFile(join(dist, file), 'utf8');
    for (const match of code.matchAll(/\bimport\s*(?:[\w{}\s,*$]+from\s*)?["']\.\/([^"']+\.js)["']/g)) {
      queue.push(`assets/${match[1]!}`);
    }
  }
  return [...files];
}

describe('weight of the first load', () => {
  it(`stays within ${budget.firstLoadGzipKB} KB gzip (budget.json)`, { timeout: 120_000 }, async () => {
    // Its own build: the browser suite may be serving dist/ at the same time.
    const dist = await buildInto(await mkdtemp(join(tmpdir(), 'spreekuur-web-budget-')));
    onTestFinished(() => rm(dist, { recursive: true, force: true }));
    const files = await firstLoad(dist);
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    let total = 0;
    for (const file of files) total += gzipSync(await readFile(join(dist, file)), { level: 9 }).length;
    const kb = total / 1024;
    console.log(
      `first load: ${files.length} files, ${kb.toFixed(1)} KB gzip (budget ${budget.firstLoadGzipKB} KB)`,
    );
    expect(kb).toBeLessThanOrEqual(budget.firstLoadGzipKB);
  });
});
