import { chmod, copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import { restrictToOwner } from './embedded.ts';

/**
 * Backup and restore of the embedded database (DATA_DIR without DATABASE_URL). A backup is a
 * folder: `postgres.tar.gz` (PGlite's own dump of its data directory: every table, messages
 * as ciphertext, file chunks, appointments), the operator token, and `manifest.json`. It is
 * made with the server stopped: the DATA_DIR lock refuses while a server has the database
 * open, so the copy is always consistent. Real PostgreSQL uses pg_dump (docs/operations.md).
 */

const FORMAT = 'spreekuur-embedded-backup/1';
const DATABASE_FILE = 'postgres.tar.gz';
const KEPT_FILES = ['operator-token'];

export interface BackupManifest {
  format: typeof FORMAT;
  createdAt: string;
  databaseBytes: number;
  files: string[];
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

export async function backupEmbedded(dataDir: string, out: string): Promise<BackupManifest> {
  const database = join(dataDir, 'postgres');
  if (!(await exists(database)))
    throw new Error(`no embedded database in ${dataDir} (looked for ${database})`);
  if (!(await isEmptyDir(out))) throw new Error(`${out} is not empty: choose a new folder for the backup`);
  const unlock = lockDataDir(database);
  try {
    await mkdir(out, { recursive: true, mode: 0o700 });
    const pglite = await PGlite.create(database);
    let dump: Blob;
    try {
      dump = await pglite.dumpDataDir('gzip');
    } finally {
      await pglite.close();
    }
    const bytes = new Uint8Array(await dump.arrayBuffer());
    await writeFile(join(out, DATABASE_FILE), bytes, { mode: 0o600 });
    const files: string[] = [];
    for (const name of KEPT_FILES) {
      if (!(await exists(join(dataDir, name)))) continue;
      await copyFile(join(dataDir, name), join(out, name));
      await chmod(join(out, name), 0o600);
      files.push(name);
    }
    const manifest: BackupManifest = {
      format: FORMAT,
      createdAt: new Date().toISOString(),
      databaseBytes: bytes.length,
      files,
    };
    await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2), { mode: 0o600 });
    return manifest;
  } finally {
    unlock();
  }
}

/** Restores a backup into a DATA_DIR that holds no database yet. */
export async function restoreEmbedded(from: string, dataDir: string): Promise<BackupManifest> {
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await readFile(join(from, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch {
    throw new Error(`${from} is not a Spreekuur backup (no readable manifest.json)`);
  }
  if (manifest.format !== FORMAT)
    throw new Error(`${from}: unknown backup format ${String(manifest.format)}`);
  const database = join(dataDir, 'postgres');
  if (!(await isEmptyDir(database)))
    throw new Error(`${database} already holds a database: restore into a new, empty DATA_DIR`);
  await mkdir(database, { recursive: true, mode: 0o700 });
  const unlock = lockDataDir(database);
  try {
    const dump = new Blob([await readFile(join(from, DATABASE_FILE))]);
    const pglite = await PGlite.create({ dataDir: database, loadDataDir: dump });
    await pglite.query('SELECT 1');
    await pglite.close();
    await restrictToOwner(database);
    for (const name of manifest.files) {
      await copyFile(join(from, name), join(dataDir, name));
      await chmod(join(dataDir, name), 0o600);
    }
    return manifest;
  } finally {
    unlock();
  }
}
