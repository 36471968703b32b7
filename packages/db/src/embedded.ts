import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock.ts';
import type { Database, Queryable, QueryResult, Row } from './database.ts';

export interface EmbeddedOptions {
  /** Directory for the database files; omit for an in-memory database (tests). */
  dataDir?: string | undefined;
  schema?: string | undefined;
}

function queryable(target: PGlite | Transaction): Queryable {
  return {
    async query<R extends Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await target.query<R>(sql, params as unknown[] | undefined);
      // PGlite reports affectedRows 0 for a SELECT; pg's rowCount counts returned rows then.
      return { rows: result.rows, rowCount: Math.max(result.rows.length, result.affectedRows ?? 0) };
    },
    async exec(script: string) {
      await target.exec(script);
    },
  };
}

/**
 * Embedded PostgreSQL. PGlite is a single connection whose queries wait for any open
 * transaction, so transactions here are fully serialised. Inside `transaction()` use only
 * the `tx` handle: a query on the outer handle would wait for the transaction forever.
 */
export async function createEmbeddedDatabase(options: EmbeddedOptions = {}): Promise<Database> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  // Before PGlite touches the files: a second process on one folder is refused, not corrupted.
  const unlock = options.dataDir ? lockDataDir(options.dataDir) : () => undefined;
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(options.dataDir ?? 'memory://');
  } catch (error) {
    unlock();
    throw error;
  }
  // PGlite writes its files readable and writable by everyone (0666, whatever the umask):
  // the database is the owner's alone.
  if (options.dataDir) await restrictToOwner(options.dataDir);
  if (options.schema) {
    await pglite.exec(
      `CREATE SCHEMA IF NOT EXISTS "${options.schema}"; SET search_path = "${options.schema}", public;`,
    );
  }
  const base = queryable(pglite);
  const transaction = <T>(work: (tx: Queryable) => Promise<T>) =>
    pglite.transaction((tx) => work(queryable(tx)));
  return {
    kind: 'embedded',
    ...base,
    transaction,
    // One connection: the session is the database itself.
    withSession: (work) => work({ ...base, transaction }),
    async ping() {
      await pglite.query('SELECT 1');
    },
    // Inside PGlite's transaction mutex, which every query and transaction takes first: the
    // copy never holds half a transaction, and writes simply wait until it is made.
    snapshot: () => pglite._runExclusiveTransaction(() => pglite.dumpDataDir('gzip')),
    async close() {
      if (!pglite.closed) await pglite.close();
      unlock();
    },
  };
}

/**
 * Takes group and other permissions off `path` and, to `depth` levels, what is under it:
 * directories become 0700, files keep only their owner's bits (0666 → 0600). Symbolic links
 * are not followed. Quiet about what it cannot change (a file that vanished, one owned by
 * someone else); returns how many it changed. A path that does not exist changes nothing.
 */
export async function restrictToOwner(path: string, depth = Infinity): Promise<number> {
  let entry;
  try {
    entry = await lstat(path);
  } catch {
    return 0;
  }
  if (entry.isSymbolicLink()) return 0;
  const mode = entry.mode & 0o777;
  const wanted = entry.isDirectory() ? 0o700 : mode & 0o700;
  let changed = 0;
  if (mode !== wanted) {
    changed = await chmod(path, wanted).then(
      () => 1,
      () => 0,
    );
  }
  if (entry.isDirectory() && depth > 0) {
    const names = await readdir(path).catch(() => [] as string[]);
    for (const name of names) changed += await restrictToOwner(join(path, name), depth - 1);
  }
  return changed;
}
