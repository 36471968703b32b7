/**
 * The database port. Two adapters implement it: embedded PostgreSQL (PGlite, one
 * connection, in-process) and a `pg` pool against a real server. Everything above this
 * interface is written once and runs on both.
 */
export type Row = Record<string, unknown>;

export interface QueryResult<R extends Row> {
  rows: R[];
  rowCount: number;
}

export interface Queryable {
  /** One statement with `$1`-style parameters. int8 comes back as `number`, bytea as `Uint8Array`. */
  query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
  /** A script of several statements without parameters (migrations). */
  exec(script: string): Promise<void>;
}

export interface Session extends Queryable {
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
}

export type DatabaseKind = 'embedded' | 'postgres';

export interface Database extends Session {
  readonly kind: DatabaseKind;
  /** Runs `work` on one pinned connection, for session-level state such as advisory locks. */
  withSession<T>(work: (session: Session) => Promise<T>): Promise<T>;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  /**
   * Embedded only: a consistent copy of the whole database (PGlite's `dumpDataDir`, gzipped),
   * taken while no transaction or query runs; they wait for it. Absent on real PostgreSQL
   * (use pg_dump there).
   */
  snapshot?(): Promise<Blob>;
  /** Real PostgreSQL only: how many pool clients exist, are idle, and how many callers wait. */
  poolStats?(): PoolStats;
  close(): Promise<void>;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}
