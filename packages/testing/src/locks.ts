import type { Database, Queryable } from '@spreekuur/db';

/**
 * Lock races made deterministic: another node's transaction held open, and waiting (by polling
 * PostgreSQL's lock graph, never by a sleep of a guessed length) until a request queues behind it.
 */

/** A transaction of another node, kept open: it holds whatever locks `work` took until `release`. */
export interface HeldTransaction {
  /** Its backend on real PostgreSQL (null on embedded, where nothing runs beside it). */
  readonly pid: number | null;
  /** Commits it and waits until it has. */
  release(): Promise<void>;
}

/**
 * Runs `work` in a transaction of its own and keeps it open until `release()`. On real PostgreSQL
 * other connections run meanwhile (and wait only for its locks); embedded PostgreSQL serialises
 * everything, so every other query waits for it.
 */
export async function holdTransaction(
  db: Database,
  work: (tx: Queryable) => Promise<void>,
): Promise<HeldTransaction> {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let ready!: (pid: number | null) => void;
  let failed!: (error: unknown) => void;
  const started = new Promise<number | null>((resolve, reject) => {
    ready = resolve;
    failed = reject;
  });
  const done = db
    .transaction(async (tx) => {
      await work(tx);
      const pid =
        db.kind === 'postgres'
          ? (await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid
          : null;
      ready(pid);
      await gate;
    })
    .catch((error: unknown) => failed(error));
  const pid = await started;
  return {
    pid,
    async release() {
      open();
      await done;
    },
  };
}

/** On real PostgreSQL: whether another connection waits for a lock held by backend `holderPid`. */
export async function isBlocking(db: Queryable, holderPid: number): Promise<boolean> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))',
    [holderPid],
  );
  return rows[0]!.n > 0;
}

/**
 * Resolves once `pending` waits for a lock of `held` (or has settled without waiting: the bug
 * some tests pin). Embedded: at once, since `pending` cannot get past its first query while
 * `held` is open.
 */
export async function untilWaitingFor(
  db: Queryable,
  held: HeldTransaction,
  pending: Promise<unknown>,
): Promise<void> {
  if (held.pid === null) return;
  let settled = false;
  pending.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (;;) {
    if (settled || (await isBlocking(db, held.pid))) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Settles with `work`, or reports that it got stuck behind a lock held by backend `holderPid`. */
export async function unlessBlockedBy<T>(
  db: Queryable,
  holderPid: number,
  work: Promise<T>,
): Promise<T | 'blocked'> {
  let settled = false;
  const watched = work.finally(() => (settled = true));
  while (!settled) {
    if (await isBlocking(db, holderPid)) return 'blocked';
    await Promise.race([watched.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 10))]);
  }
  return watched;
}
