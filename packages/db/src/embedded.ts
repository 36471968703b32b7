import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
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
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true });
  const pglite = await PGlite.create(options.dataDir ?? 'memory://');
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
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}
