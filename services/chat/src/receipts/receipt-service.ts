import type { Database } from '@spreekuur/db';
import type { ReceiptEvent } from '@spreekuur/protocol/chat';
import type { Principal } from '@spreekuur/server';
import { requireMembership, requireReadableMembership, visibleLastSeq } from '../channels/channel-store.ts';
import type { Delivery } from '../messages/delivery.ts';

/**
 * Delivered and read cursors per device and channel. They only move forward, so receipts
 * that arrive late or twice change nothing. A batch covers many channels in one call.
 */
export class ReceiptService {
  constructor(
    private readonly db: Database,
    private readonly delivery: Delivery,
  ) {}

  async record(
    principal: Principal,
    receipts: ReadonlyArray<{
      channelId: string;
      deliveredSeq?: number | undefined;
      readSeq?: number | undefined;
    }>,
  ): Promise<ReceiptEvent[]> {
    // Every channel is checked before any cursor moves: a refused batch changes nothing.
    // A former member may still confirm what they received up to their removal.
    const memberships = await Promise.all(
      receipts.map((receipt) => requireReadableMembership(this.db, principal, receipt.channelId)),
    );
    const changed: ReceiptEvent[] = [];
    for (const [index, receipt] of receipts.entries()) {
      const end = visibleLastSeq(memberships[index]!);
      // Reading implies delivery; neither can pass the end of the log.
      const read = Math.min(receipt.readSeq ?? 0, end);
      const delivered = Math.min(Math.max(receipt.deliveredSeq ?? 0, read), end);
      const { rows } = await this.db.query<{ delivered_seq: number; read_seq: number }>(
        `INSERT INTO device_channel_cursors (device_id, channel_id, delivered_seq, read_seq, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (device_id, channel_id) DO UPDATE SET
           delivered_seq = GREATEST(device_channel_cursors.delivered_seq, EXCLUDED.delivered_seq),
           read_seq = GREATEST(device_channel_cursors.read_seq, EXCLUDED.read_seq),
           updated_at = now()
         RETURNING delivered_seq, read_seq`,
        [principal.deviceId, receipt.channelId, delivered, read],
      );
      const event: ReceiptEvent = {
        channelId: receipt.channelId,
        personId: principal.personId,
        deviceId: principal.deviceId,
        deliveredSeq: rows[0]!.delivered_seq,
        readSeq: rows[0]!.read_seq,
      };
      changed.push(event);
      await this.delivery.emitToMembers(receipt.channelId, 'chat:receipt', event);
    }
    return changed;
  }

  /** Every device's cursors in a channel, for showing "delivered" and "read". */
  async cursors(principal: Principal, channelId: string): Promise<ReceiptEvent[]> {
    await requireMembership(this.db, principal, channelId);
    const { rows } = await this.db.query<{
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

  /** Where each of the caller's channels stands, for catch-up after (re)connecting. */
  async sync(principal: Principal) {
    const { rows } = await this.db.query<{
      id: string;
      last_seq: number;
      joined_seq: number;
      left_seq: number | null;
      delivered_seq: number | null;
    }>(
      // Current channels, and channels left whose removal this device has not confirmed yet
      // (it was offline): it catches up to the removal, then they drop out of this list.
      `SELECT c.id, c.last_seq, m.joined_seq, m.left_seq, cur.delivered_seq
         FROM channel_members m JOIN channels c ON c.id = m.channel_id
         LEFT JOIN device_channel_cursors cur ON cur.channel_id = c.id AND cur.device_id = $2
        WHERE m.person_id = $1 AND (m.left_seq IS NULL OR m.left_seq > coalesce(cur.delivered_seq, 0))
        ORDER BY c.created_at`,
      [principal.personId, principal.deviceId],
    );
    return {
      channels: rows.map((row) => ({
        id: row.id,
        lastSeq: row.left_seq === null ? row.last_seq : Math.min(row.last_seq, row.left_seq),
        joinedSeq: row.joined_seq,
        deliveredSeq: row.delivered_seq ?? 0,
        ...(row.left_seq === null ? {} : { leftSeq: row.left_seq }),
      })),
    };
  }
}
