import type { Queryable } from '@spreekuur/db';
import type { ReceiptEvent } from '@spreekuur/protocol/chat';

/** Delivered and read cursors per device and channel (`device_channel_cursors`). */

/** Moves a device's cursors forward (never back); returns where they stand now. */
export async function advanceCursors(
  db: Queryable,
  deviceId: string,
  channelId: string,
  cursors: { deliveredSeq: number; readSeq: number },
): Promise<{ deliveredSeq: number; readSeq: number }> {
  const { rows } = await db.query<{ delivered_seq: number; read_seq: number }>(
    `INSERT INTO device_channel_cursors (device_id, channel_id, delivered_seq, read_seq, updated_at)
     VALUES ($1, $2, $3, $4, now())
     ON CONFLICT (device_id, channel_id) DO UPDATE SET
       delivered_seq = GREATEST(device_channel_cursors.delivered_seq, EXCLUDED.delivered_seq),
       read_seq = GREATEST(device_channel_cursors.read_seq, EXCLUDED.read_seq),
       updated_at = now()
     RETURNING delivered_seq, read_seq`,
    [deviceId, channelId, cursors.deliveredSeq, cursors.readSeq],
  );
  return { deliveredSeq: rows[0]!.delivered_seq, readSeq: rows[0]!.read_seq };
}

/** The cursors of every current member's active devices in a channel. */
export async function channelCursors(db: Queryable, channelId: string): Promise<ReceiptEvent[]> {
  const { rows } = await db.query<{
    device_id: string;
    person_id: string;
    delivered_seq: number;
    read_seq: number;
  }>(
    `SELECT c.device_id, d.person_id, c.delivered_seq, c.read_seq
       FROM device_channel_cursors c JOIN devices d ON d.id = c.device_id
       JOIN channel_members m ON m.channel_id = c.channel_id AND m.person_id = d.person_id AND m.left_seq IS NULL
      WHERE c.channel_id = $1 AND d.revoked_at IS NULL ORDER BY d.person_id, c.device_id`,
    [channelId],
  );
  return rows.map((row) => ({
    channelId,
    personId: row.person_id,
    deviceId: row.device_id,
    deliveredSeq: row.delivered_seq,
    readSeq: row.read_seq,
  }));
}

export interface SyncRow extends Record<string, unknown> {
  id: string;
  last_seq: number;
  joined_seq: number;
  left_seq: number | null;
  delivered_seq: number | null;
}

/**
 * The person's current channels, and the channels they left whose removal this device has
 * not confirmed yet (it was offline), with this device's delivered cursor.
 */
export async function channelsToSync(db: Queryable, personId: string, deviceId: string): Promise<SyncRow[]> {
  const { rows } = await db.query<SyncRow>(
    `SELECT c.id, c.last_seq, m.joined_seq, m.left_seq, cur.delivered_seq
       FROM channel_members m JOIN channels c ON c.id = m.channel_id
       LEFT JOIN device_channel_cursors cur ON cur.channel_id = c.id AND cur.device_id = $2
      WHERE m.person_id = $1 AND (m.left_seq IS NULL OR m.left_seq > coalesce(cur.delivered_seq, 0))
      ORDER BY c.created_at`,
    [personId, deviceId],
  );
  return rows;
}
