import type { Queryable } from '@spreekuur/db';
import { hashToken } from '@spreekuur/server';

/** Stores the SHA-256 of a worker's calendar-feed token (replacing any earlier one). */
export async function saveFeedToken(
  tx: Queryable,
  orgId: string,
  workerId: string,
  token: string,
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO worker_calendars (worker_id, org_id, feed_token_hash, feed_created_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (worker_id) DO UPDATE SET feed_token_hash = EXCLUDED.feed_token_hash,
                                           feed_created_at = EXCLUDED.feed_created_at`,
    [workerId, orgId, hashToken(token), now],
  );
}

export async function revokeFeedToken(db: Queryable, orgId: string, workerId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE worker_calendars SET feed_token_hash = NULL, feed_created_at = NULL
      WHERE worker_id = $1 AND org_id = $2 AND feed_token_hash IS NOT NULL`,
    [workerId, orgId],
  );
  return rowCount > 0;
}

/** The worker a feed token belongs to, or null. */
export async function workerOfFeedToken(
  db: Queryable,
  token: string,
): Promise<{ orgId: string; workerId: string } | null> {
  const { rows } = await db.query<{ org_id: string; worker_id: string }>(
    'SELECT org_id, worker_id FROM worker_calendars WHERE feed_token_hash = $1',
    [hashToken(token)],
  );
  return rows[0] ? { orgId: rows[0].org_id, workerId: rows[0].worker_id } : null;
}
