import type { Queryable } from '@spreekuur/db';
import type { ChannelDevice } from '@spreekuur/protocol/chat';
import type { ServerEventPayload } from '@spreekuur/protocol/realtime';
import { emitTo, rooms, type Realtime } from '@spreekuur/server';
import { activeMemberIds, memberDevices } from '../store/channel-store.ts';
import { loadEventRow, toChannelEvent, type EventRow } from '../store/event-store.ts';

/**
 * Pushes committed log entries to the member devices that are online, on whichever node
 * they are connected (socket.io rooms through the adapter). Delivery is a courtesy:
 * devices that miss a push fetch the gap by sequence number, so nothing here must succeed
 * for a message to be safe — it already is, in PostgreSQL.
 */
export class Delivery {
  constructor(
    private readonly db: Queryable,
    private readonly realtime: Realtime,
  ) {}

  /** A pairwise message: each device receives only its own ciphertext. */
  async pushPairwise(
    row: EventRow,
    payloads: ReadonlyMap<string, Uint8Array>,
    devices?: ReadonlyArray<Pick<ChannelDevice, 'deviceId'>>,
  ): Promise<void> {
    const recipients = devices ?? (await memberDevices(this.db, row.channel_id));
    this.realtime.fanout('pairwise', recipients.length);
    // Devices without a ciphertext of their own (the sender's, one the envelope left out) all get
    // the same event: one broadcast, serialised once, instead of one per device.
    const withoutCiphertext: string[] = [];
    for (const device of recipients) {
      const ciphertext = payloads.get(device.deviceId);
      if (ciphertext === undefined) withoutCiphertext.push(rooms.device(device.deviceId));
      else
        this.realtime.io
          .to(rooms.device(device.deviceId))
          .emit('chat:event', toChannelEvent(row, ciphertext));
    }
    if (withoutCiphertext.length > 0)
      this.realtime.io.to(withoutCiphertext).emit('chat:event', toChannelEvent(row, undefined));
  }

  /** Anything every member sees alike (group ciphertext, membership, deletions, settings). */
  async pushToMembers(
    row: EventRow,
    extraPersonIds: readonly string[] = [],
    memberIds?: readonly string[],
  ): Promise<void> {
    const members = memberIds ?? (await activeMemberIds(this.db, row.channel_id));
    const audience = [...new Set([...members, ...extraPersonIds])].map(rooms.person);
    this.realtime.fanout('members', audience.length);
    if (audience.length > 0) this.realtime.io.to(audience).emit('chat:event', toChannelEvent(row, null));
  }

  async pushBySeq(
    channelId: string,
    seqs: readonly number[],
    extraPersonIds: readonly string[] = [],
  ): Promise<void> {
    for (const seq of seqs)
      await this.pushToMembers(await loadEventRow(this.db, channelId, seq), extraPersonIds);
  }

  /** Emits an ephemeral event to the members of a channel (typing, receipts). */
  async emitToMembers<E extends 'chat:typing' | 'chat:receipt'>(
    channelId: string,
    event: E,
    payload: ServerEventPayload<E>,
    exceptPersonId?: string,
  ): Promise<void> {
    const members = (await activeMemberIds(this.db, channelId)).filter(
      (personId) => personId !== exceptPersonId,
    );
    if (members.length > 0) emitTo(this.realtime.io.to(members.map(rooms.person)), event, payload);
  }
}
