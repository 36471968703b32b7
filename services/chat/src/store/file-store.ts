import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';

/** Encrypted files (`files`): sizes, chunking, who uploaded them; their bytes are in the blob store. */

export interface FileRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  channel_id: string;
  uploader_device_id: string;
  size: number;
  chunk_size: number;
  chunk_count: number;
  completed_at: Date | null;
  expires_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

/**
 * Locks the organisation's uploads until the transaction ends, so its uploads are checked one
 * at a time and the quota cannot be overrun by racing. NO KEY UPDATE: rows that merely
 * reference the organisation (audit log) can proceed.
 */
export async function lockOrganisationUploads(tx: Queryable, orgId: string): Promise<void> {
  await tx.query('SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE', [orgId]);
}

/** Bytes the organisation's files take (unfinished uploads included), and this person's unfinished ones. */
export async function uploadUsage(
  db: Queryable,
  orgId: string,
  personId: string,
): Promise<{ used: number; pendingMine: number }> {
  const { rows } = await db.query<{ used: number; pending_mine: number }>(
    `SELECT coalesce(sum(size), 0)::int8 AS used,
            coalesce(sum(size) FILTER (WHERE completed_at IS NULL AND uploader_person_id = $2), 0)::int8 AS pending_mine
       FROM files WHERE org_id = $1 AND deleted_at IS NULL`,
    [orgId, personId],
  );
  return { used: rows[0]!.used, pendingMine: rows[0]!.pending_mine };
}

export async function insertFile(
  tx: Queryable,
  file: {
    orgId: string;
    channelId: string;
    uploaderPersonId: string;
    uploaderDeviceId: string;
    size: number;
    chunkSize: number;
    chunkCount: number;
    expiresAt: Date | null;
  },
  now: Date,
): Promise<FileRow> {
  const { rows } = await tx.query<FileRow>(
    `INSERT INTO files (id, org_id, channel_id, uploader_person_id, uploader_device_id, size, chunk_size, chunk_count, expires_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      randomUUID(),
      file.orgId,
      file.channelId,
      file.uploaderPersonId,
      file.uploaderDeviceId,
      file.size,
      file.chunkSize,
      file.chunkCount,
      file.expiresAt,
      now,
    ],
  );
  return rows[0]!;
}

export async function findFile(db: Queryable, orgId: string, fileId: string): Promise<FileRow | undefined> {
  const { rows } = await db.query<FileRow>('SELECT * FROM files WHERE id = $1 AND org_id = $2', [
    fileId,
    orgId,
  ]);
  return rows[0];
}

/** Marks an upload complete (once: completing again keeps the first time). */
export async function markComplete(db: Queryable, fileId: string, now: Date): Promise<FileRow> {
  const { rows } = await db.query<FileRow>(
    'UPDATE files SET completed_at = coalesce(completed_at, $2) WHERE id = $1 RETURNING *',
    [fileId, now],
  );
  return rows[0]!;
}

/** How many of these files are the person's own completed, live uploads in the channel. */
export async function countOwnCompletedFiles(
  db: Queryable,
  channelId: string,
  personId: string,
  fileIds: readonly string[],
): Promise<number> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT id FROM files WHERE channel_id = $1 AND id = ANY($2::uuid[]) AND uploader_person_id = $3
        AND completed_at IS NOT NULL AND deleted_at IS NULL`,
    [channelId, fileIds, personId],
  );
  return rows.length;
}

/**
 * Marks files deleted once no live message attaches them any more (an edit of the same
 * message may still do); returns the ids deleted, whose bytes can go.
 */
export async function deleteFilesNoLongerAttached(
  tx: Queryable,
  fileIds: readonly string[],
  now: Date,
): Promise<string[]> {
  if (fileIds.length === 0) return [];
  const { rows } = await tx.query<{ id: string }>(
    `UPDATE files f SET deleted_at = $2
      WHERE f.id = ANY($1::uuid[]) AND f.deleted_at IS NULL
        AND NOT EXISTS (SELECT 1 FROM channel_events e
                         WHERE e.channel_id = f.channel_id AND e.kind = 'message' AND e.deleted_at IS NULL
                           AND e.data->'fileIds' ? f.id::text)
      RETURNING f.id`,
    [fileIds, now],
  );
  return rows.map((row) => row.id);
}

/** Marks expired files, and unfinished uploads started before `staleBefore`, deleted; returns their ids. */
export async function deleteExpiredFiles(db: Queryable, now: Date, staleBefore: Date): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE files SET deleted_at = $1
      WHERE deleted_at IS NULL AND ((expires_at IS NOT NULL AND expires_at <= $1) OR (completed_at IS NULL AND created_at < $2))
      RETURNING id`,
    [now, staleBefore],
  );
  return rows.map((row) => row.id);
}
