import type { Database, Queryable } from '@spreekuur/db';
import { isUniqueViolation } from '@spreekuur/db';
import type { ChannelDevice, ChannelEvent, SendAck, SendMessage } from '@spreekuur/protocol/chat';
import { fromBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { Principal } from '@spreekuur/server';
import {
  appendEvent,
  appendEventRow,
  memberDevices,
  requireMembership,
  requireReadableMembership,
  visibleLastSeq,
} from '../channels/channel-store.ts';
import { mayDeleteMessage, maySend } from '../domain/channel-permissions.ts';
import { checkRecipientDevices } from '../domain/device-set.ts';
import type { BlobStore } from '../files/blob-store.ts';
import type { Delivery } from './delivery.ts';
import { toChannelEvent, type EventRow } from './event-rows.ts';

export interface MessageLimits {
  maxEnvelopeBytes: number;
}

type Stored = {
  ack: SendAck;
  /** Present when this call stored the message (not for a duplicate): what to push. */
  delivery?: { row: EventRow; payloads: Map<string, Uint8Array>; devices: ChannelDevice[] };
};

/** Decoded size of a base64url string, without decoding it. */
const decodedLength = (text: string) => Math.floor((text.length * 3) / 4);

export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly delivery: Delivery,
    private readonly blobs: BlobStore,
    private readonly clock: () => Date,
    private readonly limits: MessageLimits,
  ) {}

  /**
   * Stores an envelope durably, then acknowledges, then pushes it. A resend with the same
   * clientId (after a dropped connection) returns the first ack and stores nothing new.
   */
  async send(principal: Principal, envelope: SendMessage): Promise<SendAck> {
    const size =
      envelope.kind === 'pairwise'
        ? envelope.payloads.reduce((sum, payload) => sum + decodedLength(payload.ciphertext), 0)
        : decodedLength(envelope.ciphertext);
    if (size > this.limits.maxEnvelopeBytes) throw new AppError('ERR_CHAT_ENVELOPE_TOO_LARGE');

    let stored: Stored;
    try {
      stored = await this.db.transaction((tx) => this.store(tx, principal, envelope));
    } catch (error) {
      // The same clientId raced in twice: the other attempt stored it; answer with its ack.
      if (!isUniqueViolation(error, 'channel_events_client_id_key')) throw error;
      const earlier = await this.findByClientId(this.db, principal, envelope);
      if (!earlier) throw error;
      return earlier;
    }
    if (stored.delivery) {
      const { row, payloads, devices } = stored.delivery;
      if (envelope.kind === 'pairwise') await this.delivery.pushPairwise(row, payloads, devices);
      else await this.delivery.pushToMembers(row, [], [...new Set(devices.map((device) => device.personId))]);
    }
    return stored.ack;
  }

  private async findByClientId(
    db: Queryable,
    principal: Principal,
    envelope: SendMessage,
  ): Promise<SendAck | null> {
    const { rows } = await db.query<{ seq: number; created_at: Date }>(
      `SELECT seq, created_at FROM channel_events WHERE channel_id = $1 AND sender_device_id = $2 AND client_id = $3`,
      [envelope.channelId, principal.deviceId, envelope.clientId],
    );
    const row = rows[0];
    return row
      ? {
          channelId: envelope.channelId,
          seq: row.seq,
          createdAt: row.created_at.toISOString(),
          duplicate: true,
        }
      : null;
  }

  private async store(tx: Queryable, principal: Principal, envelope: SendMessage): Promise<Stored> {
    const earlier = await this.findByClientId(tx, principal, envelope);
    if (earlier) return { ack: earlier };

    const membership = await requireMembership(tx, principal, envelope.channelId, { lock: true });
    if (!maySend(membership.channel.announcements_only, membership.role))
      throw new AppError('ERR_CHAT_ROLE_REQUIRED');

    const devices = await memberDevices(tx, envelope.channelId);
    const expected = devices
      .map((device) => device.deviceId)
      .filter((deviceId) => deviceId !== principal.deviceId);
    const addressed =
      envelope.kind === 'pairwise'
        ? envelope.payloads.map((payload) => payload.deviceId)
        : envelope.recipientDeviceIds;
    const check = checkRecipientDevices(expected, addressed);
    if (!check.ok) {
      if ('duplicate' in check) {
        throw new AppError('ERR_BAD_REQUEST', 'device addressed twice', {
          issues: [{ path: ['payloads'], message: `device ${check.duplicate} is addressed twice` }],
        });
      }
      throw new AppError('ERR_CHAT_DEVICES_CHANGED', 'recipient devices differ', {
        mismatch: check.mismatch,
      });
    }

    if (envelope.replacesSeq !== undefined)
      await this.assertOwnMessage(tx, principal, envelope.channelId, envelope.replacesSeq);
    const fileIds = envelope.fileIds ?? [];
    if (fileIds.length > 0) await this.assertOwnFilesOfChannel(tx, principal, envelope.channelId, fileIds);

    const now = this.clock();
    const seconds = membership.channel.disappearing_seconds;
    const row = await appendEventRow(
      tx,
      membership.channel,
      {
        kind: 'message',
        senderPersonId: principal.personId,
        senderDeviceId: principal.deviceId,
        clientId: envelope.clientId,
        envelopeKind: envelope.kind,
        groupCiphertext: envelope.kind === 'group' ? fromBase64Url(envelope.ciphertext) : null,
        recipientDevices: envelope.kind === 'group' ? envelope.recipientDeviceIds : null,
        replacesSeq: envelope.replacesSeq ?? null,
        data: { fileIds },
        expiresAt: seconds ? new Date(now.getTime() + seconds * 1000) : null,
      },
      now,
    );
    const payloads = new Map<string, Uint8Array>();
    if (envelope.kind === 'pairwise' && envelope.payloads.length > 0) {
      // All ciphertexts in one statement: ($1, $2) are the channel and seq, then pairs.
      const values: unknown[] = [envelope.channelId, row.seq];
      const tuples = envelope.payloads.map((payload, index) => {
        const bytes = fromBase64Url(payload.ciphertext);
        payloads.set(payload.deviceId, bytes);
        values.push(payload.deviceId, bytes);
        return `($1, $2, $${3 + index * 2}, $${4 + index * 2})`;
      });
      await tx.query(
        `INSERT INTO channel_event_payloads (channel_id, seq, recipient_device_id, ciphertext) VALUES ${tuples.join(', ')}`,
        values,
      );
    }
    return {
      ack: { channelId: envelope.channelId, seq: row.seq, createdAt: now.toISOString(), duplicate: false },
      delivery: { row, payloads, devices },
    };
  }

  private async assertOwnMessage(
    tx: Queryable,
    principal: Principal,
    channelId: string,
    seq: number,
  ): Promise<void> {
    const { rows } = await tx.query<{ sender_person_id: string | null }>(
      `SELECT sender_person_id FROM channel_events WHERE channel_id = $1 AND seq = $2 AND kind = 'message'`,
      [channelId, seq],
    );
    if (!rows[0]) throw new AppError('ERR_NOT_FOUND', 'message not found');
    if (rows[0].sender_person_id !== principal.personId) throw new AppError('ERR_CHAT_NOT_OWN_MESSAGE');
  }

  /**
   * A message may attach only its sender's own completed uploads in this channel: deleting a
   * message erases its files, so attaching someone else's file would let a member destroy it.
   */
  private async assertOwnFilesOfChannel(
    tx: Queryable,
    principal: Principal,
    channelId: string,
    fileIds: readonly string[],
  ): Promise<void> {
    const { rows } = await tx.query<{ id: string }>(
      `SELECT id FROM files WHERE channel_id = $1 AND id = ANY($2::uuid[]) AND uploader_person_id = $3
          AND completed_at IS NOT NULL AND deleted_at IS NULL`,
      [channelId, fileIds, principal.personId],
    );
    if (rows.length !== new Set(fileIds).size) {
      throw new AppError('ERR_BAD_REQUEST', 'unknown file', {
        issues: [{ path: ['fileIds'], message: 'must be your own completed uploads in this channel' }],
      });
    }
  }

  /** The log after `after`, as this device sees it, within the caller's (possibly ended) membership. */
  async history(
    principal: Principal,
    channelId: string,
    after: number,
    limit: number,
  ): Promise<{ events: ChannelEvent[]; lastSeq: number }> {
    const membership = await requireReadableMembership(this.db, principal, channelId);
    const lastSeq = visibleLastSeq(membership);
    const { rows } = await this.db.query<EventRow>(
      `SELECT e.*, p.ciphertext AS device_ciphertext
         FROM channel_events e
         LEFT JOIN channel_event_payloads p
                ON p.channel_id = e.channel_id AND p.seq = e.seq AND p.recipient_device_id = $4
        WHERE e.channel_id = $1 AND e.seq > $2 AND e.seq >= $5 AND e.seq <= $6
        ORDER BY e.seq LIMIT $3`,
      [channelId, after, limit, principal.deviceId, membership.joinedSeq, lastSeq],
    );
    return { events: rows.map((row) => toChannelEvent(row, row.device_ciphertext)), lastSeq };
  }

  /** Delete for everyone: the ciphertext (and attached files) are removed; a tombstone is logged. */
  async deleteForEveryone(principal: Principal, channelId: string, seq: number): Promise<{ seq: number }> {
    const result = await this.db.transaction(async (tx) => {
      const membership = await requireMembership(tx, principal, channelId, { lock: true });
      const { rows } = await tx.query<EventRow>(
        `SELECT * FROM channel_events WHERE channel_id = $1 AND seq = $2 AND kind = 'message' AND seq >= $3`,
        [channelId, seq, membership.joinedSeq],
      );
      const target = rows[0];
      if (!target) throw new AppError('ERR_NOT_FOUND', 'message not found');
      if (
        !mayDeleteMessage(
          membership.channel.kind,
          { personId: principal.personId, role: membership.role },
          target.sender_person_id!,
        )
      ) {
        throw new AppError('ERR_CHAT_NOT_OWN_MESSAGE');
      }
      const fileIds = await eraseMessages(tx, [{ channelId, seq }], this.clock());
      const tombstone = await appendEvent(
        tx,
        membership.channel,
        { kind: 'message_deleted', data: { targetSeq: seq, byPersonId: principal.personId } },
        this.clock(),
      );
      return { tombstone, fileIds };
    });
    await this.blobs.deleteBlobs(result.fileIds);
    await this.delivery.pushBySeq(channelId, [result.tombstone]);
    return { seq: result.tombstone };
  }

  /** Disappearing messages: erase every message whose timer ran out. Safe to run on every node. */
  async sweepExpired(): Promise<number> {
    const now = this.clock();
    const erased = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ channel_id: string; seq: number }>(
        `SELECT channel_id, seq FROM channel_events
          WHERE expires_at <= $1 AND deleted_at IS NULL ORDER BY expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED`,
        [now],
      );
      const targets = rows.map((row) => ({ channelId: row.channel_id, seq: row.seq }));
      return { count: targets.length, fileIds: await eraseMessages(tx, targets, now) };
    });
    await this.blobs.deleteBlobs(erased.fileIds);
    return erased.count;
  }
}

/** Removes the ciphertext of messages (keeping the log entry as "deleted"); returns the files erased with them. */
async function eraseMessages(
  tx: Queryable,
  targets: ReadonlyArray<{ channelId: string; seq: number }>,
  now: Date,
): Promise<string[]> {
  const fileIds: string[] = [];
  for (const { channelId, seq } of targets) {
    const { rows } = await tx.query<{ data: { fileIds?: string[] } }>(
      `UPDATE channel_events SET deleted_at = $3, group_ciphertext = NULL
        WHERE channel_id = $1 AND seq = $2 AND deleted_at IS NULL RETURNING data`,
      [channelId, seq, now],
    );
    await tx.query('DELETE FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2', [channelId, seq]);
    fileIds.push(...(rows[0]?.data.fileIds ?? []));
  }
  if (fileIds.length === 0) return [];
  // A file another live message still attaches (an edit of the same message) is kept.
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
