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
  /** Including the current one. Each claim raises it: with `leaseUntil`, the claim's token. */
  readonly attempts: number;
  /** Until when this claim holds the job (`locked_until` as written by the claim). */
  readonly leaseUntil: Date;
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
 * The claim's `attempts` and `leaseUntil` are its token: completing or failing needs them.
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
    const leaseUntil = new Date(now.getTime() + leaseMs);
    await tx.query('UPDATE scheduling_jobs SET locked_until = $2, attempts = attempts + 1 WHERE id = $1', [
      row.id,
      leaseUntil,
    ]);
    return {
      id: row.id,
      orgId: row.org_id,
      key: row.key,
      kind: row.kind,
      dueAt: row.due_at,
      payload: row.payload,
      attempts: row.attempts + 1,
      leaseUntil,
    };
  });
}

/**
 * Only the claim that still holds the job may finish it: same attempt, same lease, not done. A
 * node whose lease ran out while another node claimed the job (raising `attempts`, writing a new
 * lease) changes nothing; one whose lease ran out unclaimed still finishes it.
 */
const HELD_BY_CLAIM = 'id = $1 AND attempts = $2 AND locked_until = $3 AND done_at IS NULL';

/** Marks the job done; false (and nothing changed) when this claim no longer holds it. */
export async function completeJob(db: Queryable, job: Job, now: Date): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE scheduling_jobs SET done_at = $4, locked_until = NULL WHERE ${HELD_BY_CLAIM}`,
    [job.id, job.attempts, job.leaseUntil, now],
  );
  return rowCount > 0;
}

/**
 * A failed job is retried with exponential back-off, at most `maxAttempts` times in all. False
 * (and nothing changed) when this claim no longer holds the job.
 */
export async function failJob(
  db: Queryable,
  job: Job,
  error: string,
  now: Date,
  maxAttempts: number,
): Promise<boolean> {
  const giveUp = job.attempts >= maxAttempts;
  const { rowCount } = await db.query(
    giveUp
      ? `UPDATE scheduling_jobs SET done_at = $4, locked_until = NULL, last_error = $5 WHERE ${HELD_BY_CLAIM}`
      : `UPDATE scheduling_jobs SET due_at = $4, locked_until = NULL, last_error = $5 WHERE ${HELD_BY_CLAIM}`,
    [
      job.id,
      job.attempts,
      job.leaseUntil,
      giveUp ? now : new Date(now.getTime() + 2 ** job.attempts * 30_000),
      error.slice(0, 500),
    ],
  );
  return rowCount > 0;
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
