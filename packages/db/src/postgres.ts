import pg from 'pg';
import type { Database, Queryable, QueryResult, Row, Session } from './database.ts';

const INT8_OID = 20;

/** int8 as number: sequence numbers and counters stay far below 2^53, and PGlite does the same. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary'): unknown =>
    oid === INT8_OID
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PostgresOptions {
  url: string;
  /** Schema to put first on the search path (created by the migrator if missing). */
  schema?: string | undefined;
  maxConnections?: number;
}

function queryable(client: pg.Pool | pg.PoolClient): Queryable {
  return {
    async query<R extends Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await client.query<R>(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async exec(script: string) {
      await client.query(script);
    },
  };
}

async function inTransaction<T>(client: pg.PoolClient, work: (tx: Queryable) => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work(queryable(client));
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

export function createPostgresDatabase(options: PostgresOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    types: typeParsers,
    // The schema is quoted by the server; the name is validated by the config schema.
    ...(options.schema ? { options: `-c search_path="${options.schema}",public` } : {}),
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  const base = queryable(pool);

  const withClient = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // While a client is checked out the pool does not listen for its errors: a connection cut
    // between two queries (a restart, a failover) would be an unhandled 'error' event and end
    // the process. Listen here, and hand a broken client back so the pool discards it.
    let broken: Error | undefined;
    const onError = (error: Error) => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  };

  return {
    kind: 'postgres',
    ...base,
    transaction: (work) => withClient((client) => inTransaction(client, work)),
    withSession: (work) =>
      withClient((client) => {
        const session: Session = {
          ...queryable(client),
          transaction: (inner) => inTransaction(client, inner),
        };
        return work(session);
      }),
    async ping() {
      await pool.query('SELECT 1');
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await pool.end();
    },
  };
}
