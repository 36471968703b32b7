import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { readTar, tarChunks } from './backup-archive.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database } from './database.ts';
import { restrictToOwner } from './embedded.ts';

/**
 * Backup and restore of the embedded database (DATA_DIR without DATABASE_URL). A backup is
 * one file, a tar of `postgres.tar.gz` (PGlite's own dump of its data directory: every table,
 * messages as ciphertext, file chunks, appointments), the secrets the server made in DATA_DIR
 * (operator token, franking key) and `manifest.json`. Two ways to make it, the same file:
 * - online, from the running server (`snapshotEmbedded`, behind an operator route): the dump
 *   is taken while no query or transaction runs, so it is consistent; writes wait meanwhile;
 * - offline, with the server stopped (`backupEmbedded`): the DATA_DIR lock refuses while a
 *   server has the database open.
 * Real PostgreSQL uses pg_dump (docs/operations.md).
 */

const FORMAT = 'spreekuur-embedded-backup/2';
/** The folder form of the first version, still restorable. */
const FOLDER_FORMAT = 'spreekuur-embedded-backup/1';
const DATABASE_FILE = 'postgres.tar.gz';
const MANIFEST_FILE = 'manifest.json';
const KEPT_FILES = ['operator-token', 'franking-key'];
const ARCHIVE_NAMES = new Set([MANIFEST_FILE, DATABASE_FILE, ...KEPT_FILES]);

export interface BackupManifest {
  format: typeof FORMAT | typeof FOLDER_FORMAT;
  createdAt: string;
  databaseBytes: number;
  /** The DATA_DIR files kept beside the database. */
  files: string[];
  /** Made from the running server (true) or with it stopped. */
  online?: boolean;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

async function isEmptyDir(path: string): Promise<boolean> {
  try {
    return (await readdir(path)).length === 0;
  } catch {
    return true;
  }
}

async function archive(
  dump: Blob,
  dataDir: string,
  online: boolean,
): Promise<{ manifest: BackupManifest; chunks: Iterable<Uint8Array> }> {
  const database = new Uint8Array(await dump.arrayBuffer());
  const kept: Array<{ name: string; data: Uint8Array }> = [];
  for (const name of KEPT_FILES) {
    const data = await readFile(join(dataDir, name)).catch(() => null);
    if (data) kept.push({ name, data });
  }
  const manifest: BackupManifest = {
    format: FORMAT,
    createdAt: new Date().toISOString(),
    databaseBytes: database.length,
    files: kept.map((file) => file.name),
    online,
  };
  const chunks = tarChunks([
    { name: MANIFEST_FILE, data: new TextEncoder().encode(JSON.stringify(manifest, null, 2)) },
    { name: DATABASE_FILE, data: database },
    ...kept,
  ]);
  return { manifest, chunks };
}

/** The backup of a running embedded database, as chunks to stream (the operator route). */
export async function snapshotEmbedded(
  db: Database,
  dataDir: string,
): Promise<{ manifest: BackupManifest; chunks: Iterable<Uint8Array> }> {
  if (!db.snapshot) throw new Error('not an embedded database: back up PostgreSQL with pg_dump');
  return archive(await db.snapshot(), dataDir, true);
}

/**
 * Writes `chunks` to `path` so that `path` is either absent or complete: a private temporary
 * file beside it, flushed to disk, then renamed. An existing `path` is refused.
 */
export async function writeFileAtomically(
  path: string,
  chunks: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<number> {
  if (await exists(path)) throw new Error(`${path} exists already: choose a new file for the backup`);
  const temporary = `${path}.${randomBytes(4).toString('hex')}.partial`;
  const file = await open(temporary, 'wx', 0o600);
  let size = 0;
  try {
    for await (const chunk of chunks) {
      await file.write(chunk);
      size += chunk.length;
    }
    await file.sync();
    await file.close();
    await rename(temporary, path);
    return size;
  } catch (error) {
    await file.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

/** The backup of a stopped server's DATA_DIR, written to the file `out`. */
export async function backupEmbedded(dataDir: string, out: string): Promise<BackupManifest> {
  const database = join(dataDir, 'postgres');
  if (!(await exists(database)))
    throw new Error(`no embedded database in ${dataDir} (looked for ${database})`);
  if (await exists(out)) throw new Error(`${out} exists already: choose a new file for the backup`);
  const unlock = lockDataDir(database);
  try {
    const pglite = await PGlite.create(database);
    let dump: Blob;
    try {
      dump = await pglite.dumpDataDir('gzip');
    } finally {
      await pglite.close();
    }
    const { manifest, chunks } = await archive(dump, dataDir, false);
    await writeFileAtomically(out, chunks);
    return manifest;
  } finally {
    unlock();
  }
}

/** What a backup holds, from the file (or the folder of the first version). */
async function readBackup(from: string): Promise<{ manifest: BackupManifest; files: Map<string, Uint8Array<ArrayBuffer>> }> {
  if ((await stat(from)).isDirectory()) {
    const files = new Map<string, Uint8Array<ArrayBuffer>>();
    for (const name of ARCHIVE_NAMES) {
      const data = await readFile(join(from, name)).catch(() => null);
      if (data) files.set(name, new Uint8Array(data));
    }
    return { manifest: parseManifest(from, files), files };
  }
  const files = readTar(new Uint8Array(await readFile(from)), ARCHIVE_NAMES);
  return { manifest: parseManifest(from, files), files };
}

function parseManifest(from: string, files: Map<string, Uint8Array>): BackupManifest {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(files.get(MANIFEST_FILE))) as BackupManifest;
  } catch {
    throw new Error(`${from} is not a Spreekuur backup (no readable manifest.json)`);
  }
  if (manifest.format !== FORMAT && manifest.format !== FOLDER_FORMAT)
    throw new Error(`${from}: unknown backup format ${String(manifest.format)}`);
  if (!files.has(DATABASE_FILE)) throw new Error(`${from}: the backup holds no database`);
  return manifest;
}

/** The manifest of a backup file (or folder), after checking it is one. */
export async function inspectBackup(from: string): Promise<BackupManifest> {
  return (await readBackup(from)).manifest;
}

/** Restores a backup into a DATA_DIR that holds no database yet. */
export async function restoreEmbedded(from: string, dataDir: string): Promise<BackupManifest> {
  const { manifest, files } = await readBackup(from);
  const database = join(dataDir, 'postgres');
  if (!(await isEmptyDir(database)))
    throw new Error(`${database} already holds a database: restore into a new, empty DATA_DIR`);
  await mkdir(database, { recursive: true, mode: 0o700 });
  const unlock = lockDataDir(database);
  try {
    const dump = new Blob([files.get(DATABASE_FILE)!]);
    const pglite = await PGlite.create({ dataDir: database, loadDataDir: dump });
    await pglite.query('SELECT 1');
    await pglite.close();
    await restrictToOwner(database);
    for (const name of manifest.files) {
      const data = files.get(name);
      if (!data || !KEPT_FILES.includes(name)) continue;
      await writeFile(join(dataDir, name), data, { mode: 0o600 });
      await chmod(join(dataDir, name), 0o600);
    }
    return manifest;
  } finally {
    unlock();
  }
}
