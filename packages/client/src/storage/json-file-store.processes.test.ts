import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireFileLock, FileLockedError } from './file-lock.ts';
import { JsonFileStore } from './json-file-store.ts';

/** Two real processes on one profile: the lock makes one wait or refuses it, nothing is lost. */

const storeModule = fileURLToPath(new URL('./json-file-store.ts', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spreekuur-lock-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A child process that opens the profile exclusively and writes `count` keys, one by one. */
function writer(path: string, name: string, count: number, waitMs: number) {
  const code = `
    const { JsonFileStore } = await import(${JSON.stringify(storeModule)});
    try {
      const store = await JsonFileStore.openExclusive(${JSON.stringify(path)}, { purpose: ${JSON.stringify(name)}, waitMs: ${waitMs} });
      console.log('locked');
      for (let i = 0; i < ${count}; i++) {
        await store.set(${JSON.stringify(name)} + '/' + i, i);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await store.close();
    } catch (error) {
      console.error(error.code + ': ' + error.message);
      process.exitCode = 75;
    }`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, exited, out: () => out, err: () => err };
}

describe('one profile, one writer (two processes)', () => {
  it('makes the second process wait for the first, and keeps every write of both', async () => {
    const path = join(dir, 'both.json');
    const a = writer(path, 'a', 40, 30_000);
    const b = writer(path, 'b', 40, 30_000);
    expect(await Promise.all([a.exited, b.exited])).toEqual([0, 0]);
    const store = new JsonFileStore(path);
    expect((await store.keys('a/')).length).toBe(40);
    expect((await store.keys('b/')).length).toBe(40);
  });

  it('refuses a second process at once, naming the holder', async () => {
    const path = join(dir, 'busy.json');
    const lock = await acquireFileLock(path, { purpose: 'follow' });
    try {
      const second = writer(path, 'send', 1, 0);
      expect(await second.exited).toBe(75);
      expect(second.err()).toContain(
        `ERR_CLIENT_PROFILE_LOCKED: ${path} is in use by "follow" (pid ${process.pid}`,
      );
      expect(JSON.parse(await readFile(`${path}.lock`, 'utf8'))).toMatchObject({
        pid: process.pid,
        purpose: 'follow',
      });
    } finally {
      lock.release();
    }
  });

  it('takes over the lock of a process that is gone', async () => {
    const path = join(dir, 'stale.json');
    const dead = writer(path, 'dead', 0, 0);
    await dead.exited;
    // What a process killed with SIGKILL leaves behind: a lock naming a pid that no longer runs.
    const gone = dead.child.pid!;
    await writeFile(
      `${path}.lock`,
      JSON.stringify({
        pid: gone,
        host: hostname(),
        startedAt: new Date().toISOString(),
        purpose: 'follow',
        nonce: 'x',
      }),
    );
    const next = writer(path, 'next', 3, 0);
    expect(await next.exited).toBe(0);
    expect((await new JsonFileStore(path).keys('next/')).length).toBe(3);
  });

  it('never takes a lock from a live holder, also one on another host', async () => {
    const path = join(dir, 'remote.json');
    await writeFile(
      `${path}.lock`,
      JSON.stringify({
        pid: 1,
        host: 'elsewhere',
        startedAt: '2026-01-01T00:00:00Z',
        purpose: 'follow',
        nonce: 'y',
      }),
    );
    await expect(acquireFileLock(path, { purpose: 'send', waitMs: 200, pollMs: 50 })).rejects.toBeInstanceOf(
      FileLockedError,
    );
  });

  it('releases only its own lock', async () => {
    const path = join(dir, 'own.json');
    const lock = await acquireFileLock(path, { purpose: 'one' });
    lock.release();
    const second = await acquireFileLock(path, { purpose: 'two' });
    lock.release(); // a second release of the first must not remove the second's lock
    await expect(acquireFileLock(path, { purpose: 'three' })).rejects.toBeInstanceOf(FileLockedError);
    second.release();
  });
});
