/**
 * `pnpm start` runs this first: builds the web app when there is no build yet or a source file
 * is newer than it, so a fresh clone shows the app at http://localhost:8080 with one command.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acquireFileLock } from '@spreekuur/client/file-lock';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'index.html');

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

function isStale(): boolean {
  const sources = ['src', 'public', 'index.html', 'vite.config.ts'].map((name) => join(root, name));
  return !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
}

/**
 * Builds packages/web/dist unless it is newer than every source; resolves with the folder.
 * Several browser suites (separate processes) call this at once: one builds under a lock, the
 * others wait for it and then find the build fresh — two builds into one dist/ break each other.
 */
export async function ensureBuilt(): Promise<string> {
  // The lock even for a look: a build in progress has index.html before its compressed files.
  const lock = await acquireFileLock(join(root, 'dist'), {
    purpose: 'building the web app',
    waitMs: 180_000,
  });
  try {
    if (isStale()) {
      console.warn('building the web app (packages/web) …');
      await build({ root, logLevel: 'warn' });
    }
  } finally {
    lock.release();
  }
  return join(root, 'dist');
}

/** A fresh build into `outDir` (suites that must not share dist/ with a running build). */
export async function buildInto(outDir: string): Promise<string> {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

if (import.meta.url === `file://${process.argv[1]}`) await ensureBuilt();
