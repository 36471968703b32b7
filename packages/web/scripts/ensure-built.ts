/**
 * `pnpm start` runs this first: builds the web app when there is no build yet or a source file
 * is newer than it, so a fresh clone shows the app at http://localhost:8080 with one command.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'index.html');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/** Builds packages/web/dist unless it is newer than every source; resolves with the folder. */
export async function ensureBuilt(): Promise<string> {
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => join(root, name));
  const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
  if (stale) {
    console.warn('building the web app (packages/web) …');
    await build({ root, logLevel: 'warn' });
  }
  return join(root, 'dist');
}

/** A fresh build into `outDir` (suites that must not share dist/ with a running build). */
export async function buildInto(outDir: string): Promise<string> {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureBuilt();
