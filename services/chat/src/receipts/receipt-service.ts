import type { Database } from '@spreekuur/db';
import type { ReceiptEvent } from '@spreekuur/protocol/chat';
import type { Principal } from '@spreekuur/server';
import type { Delivery } from '../delivery/delivery.ts';
import { readableEnd, receiptCursors } from '../domain/readable-log.ts';
import { requireMembership, requireReadableMembership, visibleLastSeq } from '../store/channel-store.ts';
import { advanceCursors, channelCursors, channelsToSync } from '../store/receipt-store.ts';

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
      const cursors = receiptCursors(receipt, visibleLastSeq(memberships[index]!));
      const event: ReceiptEvent = {
        channelId: receipt.channelId,
        personId: principal.personId,
        deviceId: principal.deviceId,
        ...(await advanceCursors(this.db, principal.deviceId, receipt.channelId, cursors)),
      };
      changed.push(event);
      await this.delivery.emitToMembers(receipt.channelId, 'chat:receipt', event);
    }
    return changed;
  }

  /** Every device's cursors in a channel, for showing "delivered" and "read". */
  async cursors(principal: Principal, channelId: string): Promise<ReceiptEvent[]> {
    await requireMembership(this.db, principal, channelId);
    return channelCursors(this.db, channelId);
  }

  /**
   * Where each of the caller's channels stands, for catch-up after (re)connecting. Channels
   * they left stay listed until this device has confirmed delivery up to the removal.
   */
  async sync(principal: Principal) {
    const rows = await channelsToSync(this.db, principal.personId, principal.deviceId);
    return {
      channels: rows.map((row) => ({
        id: row.id,
        lastSeq: readableEnd(row.last_seq, row.left_seq),
        joinedSeq: row.joined_seq,
        deliveredSeq: row.delivered_seq ?? 0,
        ...(row.left_seq === null ? {} : { leftSeq: row.left_seq }),
      })),
    };
  }
}
