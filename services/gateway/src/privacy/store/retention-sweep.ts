import type { Queryable } from '@spreekuur/db';
import type { RetentionSettings } from '@spreekuur/protocol/privacy';
import { cutoff } from '../domain/retention-policy.ts';

/**
 * The SQL of the retention job: each function erases at most `limit` rows of one kind in one
 * organisation and returns how many (and, where bytes live elsewhere, which blobs go next).
 * Team overrides are read in the same statement (validated when written). Rows another node
 * holds are skipped (SKIP LOCKED); the next run takes them.
 */

export interface SweepScope {
  orgId: string;
  now: Date;
  settings: RetentionSettings;
  limit: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Messages past retention in direct and group channels become tombstones: their ciphertext
 * (group and every pairwise copy) and attachment list go, the log entry stays marked deleted
 * so that catch-up still sees every sequence number. Returns the count and attached files.
 */
export async function eraseOldMessages(
  tx: Queryable,
  scope: SweepScope,
): Promise<{ count: number; fileIds: string[] }> {
  const { rows } = await tx.query<{ channel_id: string; seq: number; file_ids: string[] | null }>(
    `SELECT e.channel_id, e.seq, ARRAY(SELECT jsonb_array_elements_text(COALESCE(e.data->'fileIds', '[]'::jsonb))) AS file_ids
       FROM channel_events e JOIN channels c ON c.id = e.channel_id
      WHERE e.org_id = $1 AND e.kind = 'message' AND e.deleted_at IS NULL
        AND c.kind IN ('direct', 'group') AND e.created_at < $2
      ORDER BY e.created_at LIMIT $3 FOR UPDATE OF e SKIP LOCKED`,
    [scope.orgId, cutoff(scope.now, scope.settings.messagesDays), scope.limit],
  );
  if (rows.length === 0) return { count: 0, fileIds: [] };
  const channels = rows.map((row) => row.channel_id);
  const seqs = rows.map((row) => row.seq);
  await tx.query(
    `UPDATE channel_events e SET deleted_at = $3, group_ciphertext = NULL, recipient_devices = NULL, data = '{}'::jsonb
       FROM unnest($1::uuid[], $2::bigint[]) AS due(channel_id, seq)
      WHERE e.channel_id = due.channel_id AND e.seq = due.seq`,
    [channels, seqs, scope.now],
  );
  await tx.query(
    `DELETE FROM channel_event_payloads p USING unnest($1::uuid[], $2::bigint[]) AS due(channel_id, seq)
      WHERE p.channel_id = due.channel_id AND p.seq = due.seq`,
    [channels, seqs],
  );
  return { count: rows.length, fileIds: rows.flatMap((row) => row.file_ids ?? []) };
}

/**
 * Office-hour conversations go whole once they ended longer ago than the team's period: the
 * channel with its log, ciphertext, members, files and queue records (ON DELETE CASCADE).
 * A channel with a live conversation is never touched.
 */
export async function deleteEndedOfficeHourChannels(
  tx: Queryable,
  scope: SweepScope,
): Promise<{ count: number; fileIds: string[] }> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT c.id FROM channels c
      WHERE c.org_id = $1 AND c.kind = 'office_hour'
        AND NOT EXISTS (SELECT 1 FROM queue_entries q WHERE q.channel_id = c.id AND q.status IN ('waiting', 'assigned', 'on_hold'))
        AND COALESCE(
              (SELECT max(q.ended_at + make_interval(days => COALESCE((t.overrides->>'officeHourDays')::int, $3)))
                 FROM queue_entries q LEFT JOIN retention_team_settings t ON t.team_id = q.team_id
                WHERE q.channel_id = c.id),
              c.created_at + make_interval(days => $3::int)
            ) < $2
      ORDER BY c.created_at LIMIT $4 FOR UPDATE OF c SKIP LOCKED`,
    [scope.orgId, scope.now, scope.settings.officeHourDays, scope.limit],
  );
  if (rows.length === 0) return { count: 0, fileIds: [] };
  const ids = rows.map((row) => row.id);
  const files = await tx.query<{ id: string }>(
    'DELETE FROM files WHERE channel_id = ANY($1::uuid[]) RETURNING id',
    [ids],
  );
  await tx.query('DELETE FROM channels WHERE id = ANY($1::uuid[])', [ids]);
  return { count: rows.length, fileIds: files.rows.map((row) => row.id) };
}

/** Files (their row; the bytes go next) shared longer ago than the period. */
export async function deleteOldFiles(
  tx: Queryable,
  scope: SweepScope,
  alsoIds: readonly string[] = [],
): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>(
    `DELETE FROM files WHERE id IN (
       SELECT id FROM files WHERE org_id = $1 AND (created_at < $2 OR id = ANY($4::uuid[]))
        ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING id`,
    [scope.orgId, cutoff(scope.now, scope.settings.filesDays), scope.limit, alsoIds],
  );
  return rows.map((row) => row.id);
}

/** Ended queue records and questions left out of hours, past the (team's) period. */
export async function deleteOldQueueEntries(tx: Queryable, scope: SweepScope): Promise<number> {
  const { rowCount } = await tx.query(
    `DELETE FROM queue_entries WHERE id IN (
       SELECT q.id FROM queue_entries q LEFT JOIN retention_team_settings t ON t.team_id = q.team_id
        WHERE q.org_id = $1 AND q.status IN ('closed', 'left') AND q.ended_at IS NOT NULL
          AND q.ended_at + make_interval(days => COALESCE((t.overrides->>'queueDays')::int, $3)) < $2
        LIMIT $4 FOR UPDATE OF q SKIP LOCKED)`,
    [scope.orgId, scope.now, scope.settings.queueDays, scope.limit],
  );
  return rowCount;
}

/** Appointments whose end lies longer ago than the (team's) period, with their planned reminders. */
export async function deleteOldAppointments(tx: Queryable, scope: SweepScope): Promise<number> {
  const { rows } = await tx.query<{ id: string }>(
    `DELETE FROM appointments WHERE id IN (
       SELECT a.id FROM appointments a LEFT JOIN retention_team_settings t ON t.team_id = a.team_id
        WHERE a.org_id = $1
          AND a.end_at + make_interval(days => COALESCE((t.overrides->>'appointmentsDays')::int, $3)) < $2
        LIMIT $4 FOR UPDATE OF a SKIP LOCKED)
     RETURNING id`,
    [scope.orgId, scope.now, scope.settings.appointmentsDays, scope.limit],
  );
  if (rows.length > 0) {
    await tx.query(
      `DELETE FROM scheduling_jobs WHERE org_id = $1 AND payload->>'appointmentId' = ANY($2::text[])`,
      [scope.orgId, rows.map((row) => row.id)],
    );
  }
  return rows.length;
}

export async function deleteOldNotifications(tx: Queryable, scope: SweepScope): Promise<number> {
  const { rowCount } = await tx.query(
    `DELETE FROM scheduling_notifications WHERE id IN (
       SELECT id FROM scheduling_notifications WHERE org_id = $1 AND created_at < $2 LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    [scope.orgId, cutoff(scope.now, scope.settings.notificationsDays), scope.limit],
  );
  return rowCount;
}

export async function deleteOldAuditEntries(tx: Queryable, scope: SweepScope): Promise<number> {
  const { rowCount } = await tx.query(
    `DELETE FROM audit_log WHERE id IN (
       SELECT id FROM audit_log WHERE org_id = $1 AND at < $2 ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    [scope.orgId, new Date(scope.now.getTime() - scope.settings.auditDays * DAY_MS), scope.limit],
  );
  return rowCount;
}

/** History transfers nobody fetched within their 7 days (not a setting: SPEC §15.2). */
export async function deleteExpiredHistoryTransfers(tx: Queryable, scope: SweepScope): Promise<number> {
  const { rowCount } = await tx.query(
    `DELETE FROM history_transfers WHERE to_device_id IN (
       SELECT to_device_id FROM history_transfers WHERE org_id = $1 AND expires_at <= $2 LIMIT $3 FOR UPDATE SKIP LOCKED)`,
    [scope.orgId, scope.now, scope.limit],
  );
  return rowCount;
}

/** The bytes of deleted files (the Postgres blob store of chat, `blob_chunks`). */
export async function deleteBlobs(db: Queryable, fileIds: readonly string[]): Promise<void> {
  if (fileIds.length === 0) return;
  await db.query('DELETE FROM blob_chunks WHERE blob_id = ANY($1::uuid[])', [fileIds]);
}

/**
 * One node at a time: a transaction-scoped advisory lock per schema. False: another node is
 * running a batch right now, and this run stops (the next tick tries again).
 */
export async function tryRetentionLock(tx: Queryable): Promise<boolean> {
  const { rows } = await tx.query<{ locked: boolean }>(
    `SELECT pg_try_advisory_xact_lock(hashtext('spreekuur:retention:' || current_schema())) AS locked`,
  );
  return rows[0]?.locked === true;
}
