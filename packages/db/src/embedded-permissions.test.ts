import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEmbeddedDatabase, restrictToOwner } from './embedded.ts';

/** Every path under `root` (itself included) whose mode lets group or others in. */
async function notPrivate(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string) => {
    const entry = await lstat(path);
    if (entry.isSymbolicLink()) return;
    if (entry.mode & 0o077)
      found.push(`${path.slice(root.length) || '/'} ${(entry.mode & 0o777).toString(8)}`);
    if (entry.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(root);
  return found;
}

async function countFiles(root: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true }))
    if (entry.isFile()) count++;
  return count;
}

/**
 * Issue 15, finding 3: the embedded database's files were world-writable (0666). Each test
 * creates a database on disk, which takes a while on a busy machine.
 */
describe('embedded database files', { timeout: 90_000 }, () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'spreekuur-perm-'));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('are the owner’s only: directories 0700 (DATA_DIR too), files 0600', async () => {
    const dataDir = join(base, 'data');
    const db = await createEmbeddedDatabase({ dataDir: join(dataDir, 'postgres') });
    try {
      await db.exec('CREATE TABLE probe (id int PRIMARY KEY); INSERT INTO probe VALUES (1)');
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      expect((await stat(join(dataDir, 'postgres'))).mode & 0o777).toBe(0o700);
      expect(await countFiles(dataDir)).toBeGreaterThan(100);
      expect(await notPrivate(dataDir)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('left open to others by an earlier version are made private when the database opens', async () => {
    const dataDir = join(base, 'postgres');
    await (await createEmbeddedDatabase({ dataDir })).close();
    // As an earlier version left them: files 0666, directories 0777.
    for (const entry of await readdir(dataDir, { withFileTypes: true, recursive: true })) {
      await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o777 : 0o666);
    }
    await chmod(dataDir, 0o777);
    expect((await notPrivate(dataDir)).length).toBeGreaterThan(100);

    const db = await createEmbeddedDatabase({ dataDir });
    try {
      expect(await notPrivate(dataDir)).toEqual([]);
      expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });
});

describe('restrictToOwner', () => {
  let base: string;
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'spreekuur-perm-'));
  });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('counts what it changed, keeps owner bits, leaves links and what they point at alone', async () => {
    const outside = join(base, 'outside');
    await writeFile(outside, 'x', { mode: 0o644 });
    await chmod(outside, 0o644);
    const dir = join(base, 'dir');
    await restrictToOwner(dir); // does not exist: nothing to do, nothing thrown
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'operator-token'), 'op_x\n');
    await chmod(join(dir, 'operator-token'), 0o666);
    await writeFile(join(dir, 'sub', 'run.sh'), '#!/bin/sh\n');
    await chmod(join(dir, 'sub', 'run.sh'), 0o755);
    await writeFile(join(dir, 'sub', 'ok'), '');
    await chmod(join(dir, 'sub', 'ok'), 0o600);
    await chmod(join(dir, 'sub'), 0o755);
    await chmod(dir, 0o755);
    await symlink(outside, join(dir, 'link'));

    expect(await restrictToOwner(dir)).toBe(4);
    expect((await stat(join(dir, 'operator-token'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'sub', 'run.sh'))).mode & 0o777).toBe(0o700);
    expect((await stat(outside)).mode & 0o777).toBe(0o644);
    expect(await restrictToOwner(dir)).toBe(0);
  });
});
