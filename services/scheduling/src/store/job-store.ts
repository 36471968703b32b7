import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@spreekuur/db';

export type JobKind = 'reminder' | 'team_tick';

export interface Job {
  readonly id: string;
  readonly orgId: string;
  readonly key: string;
  readonly kind: JobKind;
  readonly dueAt: Date;
  readonly payload: unknown;
  /** Including the current one. */
  readonly attempts: number;
}

export interface NewJob {
  readonly orgId: string;
  /** Unique per planned occurrence: planning the same job twice stores it once. */
  readonly key: string;
  readonly kind: JobKind;
  readonly dueAt: Date;
  readonly payload: Record<string, unknown>;
}

export async function planJob(db: Queryable, job: NewJob): Promise<void> {
  await db.query(
    `INSERT INTO scheduling_jobs (id, org_id, key, kind, due_at, payload) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (key) DO NOTHING`,
    [randomUUID(), job.orgId, job.key, job.kind, job.dueAt, JSON.stringify(job.payload)],
  );
}

type JobRow = {
  id: string;
  org_id: string;
  key: string;
  kind: JobKind;
  due_at: Date;
  payload: unknown;
  attempts: number;
};

/**
 * Claims the earliest due job: `FOR UPDATE SKIP LOCKED` so nodes polling together never take the
 * same one, and a lease (`locked_until`) so the job stays theirs while it runs outside this
 * transaction. A node that dies mid-job leaves the lease to expire; then another node retries it.
 */
export async function claimDueJob(db: Database, now: Date, leaseMs: number): Promise<Job | null> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<JobRow>(
      `SELECT id, org_id, key, kind, due_at, payload, attempts FROM scheduling_jobs
        WHERE done_at IS NULL AND due_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
        ORDER BY due_at, id LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now],
    );
    const row = rows[0];
    if (!row) return null;
    await tx.query('UPDATE scheduling_jobs SET locked_until = $2, attempts = attempts + 1 WHERE id = $1', [
      row.id,
      new Date(now.getTime() + leaseMs),
    ]);
    return {
      id: row.id,
      orgId: row.org_id,
      key: row.key,
      kind: row.kind,
      dueAt: row.due_at,
      payload: row.payload,
      attempts: row.attempts + 1,
    };
  });
}

export async function completeJob(db: Queryable, jobId: string, now: Date): Promise<void> {
  await db.query('UPDATE scheduling_jobs SET done_at = $2, locked_until = NULL WHERE id = $1', [jobId, now]);
}

/** A failed job is retried with exponential back-off, at most `maxAttempts` times in all. */
export async function failJob(
  db: Queryable,
  job: Job,
  error: string,
  now: Date,
  maxAttempts: number,
): Promise<void> {
  if (job.attempts >= maxAttempts) {
    await db.query(
      'UPDATE scheduling_jobs SET done_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1',
      [job.id, now, error.slice(0, 500)],
    );
    return;
  }
  const retryAt = new Date(now.getTime() + 2 ** job.attempts * 30_000);
  await db.query(
    'UPDATE scheduling_jobs SET due_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1',
    [job.id, retryAt, error.slice(0, 500)],
  );
}

/** Retires pending jobs whose key starts with `prefix` (a cancelled appointment's reminders). */
export async function retireJobs(db: Queryable, prefix: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE scheduling_jobs SET done_at = $2, last_error = 'retired' WHERE key LIKE $1 AND done_at IS NULL`,
    [`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, now],
  );
}

export async function purgeDoneJobs(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM scheduling_jobs WHERE done_at < $1', [before]);
  return rowCount;
}
