import type { Database, Queryable } from '@spreekuur/db';
import { isUniqueViolation } from '@spreekuur/db';
import type { ChannelDevice, ChannelEvent, SendAck, SendMessage } from '@spreekuur/protocol/chat';
import { fromBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { Principal } from '@spreekuur/server';
import type { Delivery } from '../delivery/delivery.ts';
import type { SendGuard } from '../moderation/send-guard.ts';
import { mayDeleteMessage, maySend } from '../domain/channel-permissions.ts';
import { checkRecipientDevices } from '../domain/device-set.ts';
import { addressedDevices, envelopeBytes } from '../domain/envelopes.ts';
import type { BlobStore } from '../store/blob-store.ts';
import {
  memberDevices,
  requireMembership,
  requireReadableMembership,
  visibleLastSeq,
} from '../store/channel-store.ts';
import {
  appendEvent,
  appendEventRow,
  eraseMessageContent,
  findByClientId,
  findMessage,
  insertPayloads,
  lockExpiredMessages,
  readLog,
  senderOfMessage,
  toChannelEvent,
  type EventRow,
  type MessageRef,
} from '../store/event-store.ts';
import { countOwnCompletedFiles, deleteFilesNoLongerAttached } from '../store/file-store.ts';

export interface MessageLimits {
  maxEnvelopeBytes: number;
}

type Stored = {
  ack: SendAck;
  /** Present when this call stored the message (not for a duplicate): what to push. */
  delivery?: { row: EventRow; payloads: Map<string, Uint8Array>; devices: ChannelDevice[] };
};

/**
 * The encrypted message log: sending (store, acknowledge, push), reading it back, deleting
 * for everyone, and the disappearing-messages sweep.
 */
export class MessageService {
  constructor(
    private readonly db: Database,
    private readonly delivery: Delivery,
    private readonly blobs: BlobStore,
    private readonly clock: () => Date,
    private readonly limits: MessageLimits,
    /** Moderation: lock, mute and slow mode on send, and the franking tag (moderation/send-guard.ts). */
    private readonly guard: SendGuard,
  ) {}

  /**
   * Stores an envelope durably, then acknowledges, then pushes it. A resend with the same
   * clientId (after a dropped connection) returns the first ack and stores nothing new.
   */
  async send(principal: Principal, envelope: SendMessage): Promise<SendAck> {
    if (envelopeBytes(envelope) > this.limits.maxEnvelopeBytes)
      throw new AppError('ERR_CHAT_ENVELOPE_TOO_LARGE');

    let stored: Stored;
    try {
      stored = await this.db.transaction((tx) => this.store(tx, principal, envelope));
    } catch (error) {
      // The same clientId raced in twice: the other attempt stored it; answer with its ack.
      if (!isUniqueViolation(error, 'channel_events_client_id_key')) throw error;
      const earlier = await this.earlierAck(this.db, principal, envelope);
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

  /** The ack of this device's earlier send under the envelope's clientId, if there was one. */
  private async earlierAck(
    db: Queryable,
    principal: Principal,
    envelope: SendMessage,
  ): Promise<SendAck | null> {
    const earlier = await findByClientId(db, envelope.channelId, principal.deviceId, envelope.clientId);
    return earlier
      ? {
          channelId: envelope.channelId,
          seq: earlier.seq,
          createdAt: earlier.createdAt.toISOString(),
          duplicate: true,
        }
      : null;
  }

  private async store(tx: Queryable, principal: Principal, envelope: SendMessage): Promise<Stored> {
    const earlier = await this.earlierAck(tx, principal, envelope);
    if (earlier) return { ack: earlier };

    const membership = await requireMembership(tx, principal, envelope.channelId, { lock: true });
    const now = this.clock();
    await this.guard.check(tx, membership, principal, now);
    if (!maySend(membership.channel.announcements_only, membership.role))
      throw new AppError('ERR_CHAT_ROLE_REQUIRED');

    const devices = await memberDevices(tx, envelope.channelId);
    const expected = devices
      .map((device) => device.deviceId)
      .filter((deviceId) => deviceId !== principal.deviceId);
    const check = checkRecipientDevices(expected, addressedDevices(envelope));
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
        data: {
          fileIds,
          ...(envelope.frankingCommitment ? { frankingCommitment: envelope.frankingCommitment } : {}),
        },
        expiresAt: seconds ? new Date(now.getTime() + seconds * 1000) : null,
      },
      now,
    );
    const payloads = new Map<string, Uint8Array>(
      envelope.kind === 'pairwise'
        ? envelope.payloads.map((payload) => [payload.deviceId, fromBase64Url(payload.ciphertext)])
        : [],
    );
    await insertPayloads(tx, envelope.channelId, row.seq, payloads);
    await this.guard.recordFranking(tx, row, envelope.frankingCommitment);
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
    const sender = await senderOfMessage(tx, channelId, seq);
    if (sender === undefined) throw new AppError('ERR_NOT_FOUND', 'message not found');
    if (sender !== principal.personId) throw new AppError('ERR_CHAT_NOT_OWN_MESSAGE');
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
    const own = await countOwnCompletedFiles(tx, channelId, principal.personId, fileIds);
    if (own !== new Set(fileIds).size) {
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
    const rows = await readLog(this.db, channelId, {
      deviceId: principal.deviceId,
      after,
      limit,
      fromSeq: membership.joinedSeq,
      toSeq: lastSeq,
    });
    return { events: rows.map((row) => toChannelEvent(row, row.device_ciphertext)), lastSeq };
  }

  /** Delete for everyone: the ciphertext (and attached files) are removed; a tombstone is logged. */
  async deleteForEveryone(principal: Principal, channelId: string, seq: number): Promise<{ seq: number }> {
    const result = await this.db.transaction(async (tx) => {
      const membership = await requireMembership(tx, principal, channelId, { lock: true });
      const target = await findMessage(tx, channelId, seq, membership.joinedSeq);
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
      const targets = await lockExpiredMessages(tx, now);
      return { count: targets.length, fileIds: await eraseMessages(tx, targets, now) };
    });
    await this.blobs.deleteBlobs(erased.fileIds);
    return erased.count;
  }
}

/** Erases messages and the files no other live message attaches; returns those files (their bytes go next). */
async function eraseMessages(tx: Queryable, targets: readonly MessageRef[], now: Date): Promise<string[]> {
  const attached = await eraseMessageContent(tx, targets, now);
  return deleteFilesNoLongerAttached(tx, attached, now);
}
