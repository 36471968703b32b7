import type { Database, Queryable } from '@spreekuur/db';
import { isUniqueViolation } from '@spreekuur/db';
import type { ChannelEvent, SendAck, SendMessage } from '@spreekuur/protocol/chat';
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
  channelAudiences,
  lockChannels,
  memberDevices,
  requireMembership,
  type Membership,
  requireReadableMembership,
  visibleLastSeq,
} from '../store/channel-store.ts';
import {
  appendEvent,
  appendEventRow,
  eraseMessageContent,
  eventRow,
  findByClientId,
  findByClientIds,
  findMessage,
  insertEventRows,
  insertPayloadRows,
  insertPayloads,
  lockExpiredMessages,
  readLog,
  sendKey,
  senderOfMessage,
  setLastSeqs,
  toChannelEvent,
  type EventInsert,
  type EventRow,
  type MessageRef,
  type PayloadRow,
} from '../store/event-store.ts';
import { countOwnCompletedFiles, deleteFilesNoLongerAttached } from '../store/file-store.ts';
import { GroupCommit } from './group-commit.ts';

export interface MessageLimits {
  maxEnvelopeBytes: number;
}

type Stored = {
  ack: SendAck;
  /** Present when this call stored the message (not for a duplicate): what to push. */
  delivery?: {
    row: EventRow;
    payloads: Map<string, Uint8Array>;
    devices: ReadonlyArray<{ deviceId: string; personId: string }>;
  };
};

interface Send {
  principal: Principal;
  envelope: SendMessage;
}

/** Most sends one transaction stores (bounded so one slow batch does not hold up acks for long). */
const MAX_BATCH = 256;

/**
 * The encrypted message log: sending (store, acknowledge, push), reading it back, deleting
 * for everyone, and the disappearing-messages sweep.
 */
export class MessageService {
  private readonly batches: GroupCommit<Send, Stored>;

  constructor(
    private readonly db: Database,
    private readonly delivery: Delivery,
    private readonly blobs: BlobStore,
    private readonly clock: () => Date,
    private readonly limits: MessageLimits,
    /** Moderation: lock, mute and slow mode on send, and the franking tag (moderation/send-guard.ts). */
    private readonly guard: SendGuard,
  ) {
    // PGlite is one connection whose transactions run one after another: one lane. On a pool,
    // a few lanes keep several connections busy while each channel stays in one lane.
    this.batches = new GroupCommit(
      (sends) => this.storeBatch(sends),
      (send) => send.envelope.channelId,
      db.kind === 'embedded' ? 1 : 4,
      MAX_BATCH,
    );
  }

  /**
   * Stores an envelope durably, then pushes it, then acknowledges. A resend with the same
   * clientId (after a dropped connection) returns the first ack and stores nothing new.
   * Plain messages are stored together with the other sends of the moment (group commit);
   * edits and messages with files, rare and with more to check, one by one.
   */
  async send(principal: Principal, envelope: SendMessage): Promise<SendAck> {
    if (envelopeBytes(envelope) > this.limits.maxEnvelopeBytes)
      throw new AppError('ERR_CHAT_ENVELOPE_TOO_LARGE');
    const stored =
      envelope.replacesSeq === undefined && (envelope.fileIds ?? []).length === 0
        ? await this.batches.submit({ principal, envelope })
        : await this.storeAlone(principal, envelope);
    await this.push(envelope, stored);
    return stored.ack;
  }

  private async push(envelope: SendMessage, stored: Stored): Promise<void> {
    if (!stored.delivery) return;
    const { row, payloads, devices } = stored.delivery;
    if (envelope.kind === 'pairwise') await this.delivery.pushPairwise(row, payloads, devices);
    else await this.delivery.pushToMembers(row, [], [...new Set(devices.map((device) => device.personId))]);
  }

  /** One send in a transaction of its own. */
  private async storeAlone(principal: Principal, envelope: SendMessage): Promise<Stored> {
    let stored: Stored;
    try {
      stored = await this.db.transaction((tx) => this.store(tx, principal, envelope));
    } catch (error) {
      // The same clientId raced in twice: the other attempt stored it; answer with its ack.
      if (!isUniqueViolation(error, 'channel_events_client_id_key')) throw error;
      const earlier = await this.earlierAck(this.db, principal, envelope);
      if (!earlier) throw error;
      return { ack: earlier };
    }
    return stored;
  }

  /**
   * Stores a batch of plain sends in one transaction: the channels locked (in id order), the
   * earlier sends of the same clientIds, members and devices each read once for the whole
   * batch, then numbers allocated per channel in arrival order and every row inserted with
   * multi-row statements. A send that fails its checks fails alone; if the transaction
   * itself fails, nothing of it was acknowledged and each send is stored alone, so only the
   * one at fault fails.
   */
  private async storeBatch(sends: Send[]): Promise<Array<Stored | Error>> {
    try {
      return await this.db.transaction((tx) => this.storeMany(tx, sends));
    } catch {
      const outcomes: Array<Stored | Error> = [];
      for (const { principal, envelope } of sends) {
        outcomes.push(
          await this.storeAlone(principal, envelope).catch((error: unknown) =>
            error instanceof Error ? error : new Error(String(error)),
          ),
        );
      }
      return outcomes;
    }
  }

  private async storeMany(tx: Queryable, sends: Send[]): Promise<Array<Stored | AppError>> {
    const channelIds = [...new Set(sends.map((send) => send.envelope.channelId))].sort();
    const channels = await lockChannels(tx, channelIds);
    const earlier = await findByClientIds(
      tx,
      sends.map(({ principal, envelope }) => ({
        channelId: envelope.channelId,
        deviceId: principal.deviceId,
        clientId: envelope.clientId,
      })),
    );
    const audiences = await channelAudiences(tx, channelIds);
    const lastSeqs = new Map<string, number>();
    const now = this.clock();
    const outcomes: Array<Stored | AppError> = [];
    const accepted = new Map<string, SendAck>();
    const rows: EventInsert[] = [];
    const payloadRows: PayloadRow[] = [];
    const franked: Array<{ row: EventRow; commitment: string }> = [];

    for (const { principal, envelope } of sends) {
      const key = sendKey(envelope.channelId, principal.deviceId, envelope.clientId);
      const stored = earlier.get(key);
      const repeated = accepted.get(key);
      if (stored || repeated) {
        outcomes.push({
          ack: repeated
            ? { ...repeated, duplicate: true }
            : {
                channelId: envelope.channelId,
                seq: stored!.seq,
                createdAt: stored!.createdAt.toISOString(),
                duplicate: true,
              },
        });
        continue;
      }
      const channel = channels.get(envelope.channelId);
      if (!channel || channel.org_id !== principal.orgId) {
        outcomes.push(new AppError('ERR_NOT_FOUND', 'channel not found'));
        continue;
      }
      const audience = audiences.get(envelope.channelId);
      const role = audience?.roles.get(principal.personId);
      if (!audience || !role) {
        outcomes.push(new AppError('ERR_CHAT_NOT_MEMBER'));
        continue;
      }
      const refusal = await this.moderationRefusal(tx, channel, role, principal, now);
      if (refusal) {
        outcomes.push(refusal);
        continue;
      }
      if (!maySend(channel.announcements_only, role)) {
        outcomes.push(new AppError('ERR_CHAT_ROLE_REQUIRED'));
        continue;
      }
      const mismatch = deviceSetError(audience.devices, principal.deviceId, envelope);
      if (mismatch) {
        outcomes.push(mismatch);
        continue;
      }

      const seq = (lastSeqs.get(channel.id) ?? channel.last_seq) + 1;
      lastSeqs.set(channel.id, seq);
      const row = eventRow(channel.id, seq, this.messageEvent(principal, envelope, channel, now), now);
      if (envelope.frankingCommitment) franked.push({ row, commitment: envelope.frankingCommitment });
      rows.push({
        row,
        orgId: channel.org_id,
        recipientDevices: envelope.kind === 'group' ? envelope.recipientDeviceIds : null,
      });
      const payloads = pairwisePayloads(envelope);
      for (const [deviceId, ciphertext] of payloads)
        payloadRows.push({ channelId: channel.id, seq, deviceId, ciphertext });
      const ack = { channelId: channel.id, seq, createdAt: now.toISOString(), duplicate: false };
      accepted.set(key, ack);
      outcomes.push({ ack, delivery: { row, payloads, devices: audience.devices } });
    }

    await setLastSeqs(tx, lastSeqs);
    await insertEventRows(tx, rows);
    await insertPayloadRows(tx, payloadRows);
    for (const { row, commitment } of franked) await this.guard.recordFranking(tx, row, commitment);
    return outcomes;
  }

  /** The refusal moderation gives this send (lock, mute, slow mode), as an outcome of its own. */
  private async moderationRefusal(
    tx: Queryable,
    channel: Membership['channel'],
    role: Membership['role'],
    principal: Principal,
    now: Date,
  ): Promise<AppError | null> {
    try {
      await this.guard.check(tx, { channel, role }, principal, now);
      return null;
    } catch (error) {
      if (error instanceof AppError) return error;
      throw error;
    }
  }

  /** What a message envelope stores in the log (its numbering aside). */
  private messageEvent(
    principal: Principal,
    envelope: SendMessage,
    channel: { disappearing_seconds: number | null },
    now: Date,
  ) {
    const seconds = channel.disappearing_seconds;
    return {
      kind: 'message' as const,
      senderPersonId: principal.personId,
      senderDeviceId: principal.deviceId,
      clientId: envelope.clientId,
      envelopeKind: envelope.kind,
      groupCiphertext: envelope.kind === 'group' ? fromBase64Url(envelope.ciphertext) : null,
      recipientDevices: envelope.kind === 'group' ? envelope.recipientDeviceIds : null,
      replacesSeq: envelope.replacesSeq ?? null,
      data: {
        fileIds: envelope.fileIds ?? [],
        ...(envelope.frankingCommitment ? { frankingCommitment: envelope.frankingCommitment } : {}),
      },
      expiresAt: seconds ? new Date(now.getTime() + seconds * 1000) : null,
    };
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
    const mismatch = deviceSetError(devices, principal.deviceId, envelope);
    if (mismatch) throw mismatch;

    if (envelope.replacesSeq !== undefined)
      await this.assertOwnMessage(tx, principal, envelope.channelId, envelope.replacesSeq);
    const fileIds = envelope.fileIds ?? [];
    if (fileIds.length > 0) await this.assertOwnFilesOfChannel(tx, principal, envelope.channelId, fileIds);

    const row = await appendEventRow(
      tx,
      membership.channel,
      this.messageEvent(principal, envelope, membership.channel, now),
      now,
    );
    const payloads = pairwisePayloads(envelope);
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

/** A pairwise envelope's ciphertext per device (none for a group envelope). */
function pairwisePayloads(envelope: SendMessage): Map<string, Uint8Array> {
  return new Map(
    envelope.kind === 'pairwise'
      ? envelope.payloads.map((payload) => [payload.deviceId, fromBase64Url(payload.ciphertext)])
      : [],
  );
}

/**
 * Why the envelope does not address exactly the channel's member devices other than the
 * sending one (null: it does).
 */
function deviceSetError(
  devices: ReadonlyArray<{ deviceId: string }>,
  senderDeviceId: string,
  envelope: SendMessage,
): AppError | null {
  const expected = devices.map((device) => device.deviceId).filter((deviceId) => deviceId !== senderDeviceId);
  const check = checkRecipientDevices(expected, addressedDevices(envelope));
  if (check.ok) return null;
  if ('duplicate' in check) {
    return new AppError('ERR_BAD_REQUEST', 'device addressed twice', {
      issues: [{ path: ['payloads'], message: `device ${check.duplicate} is addressed twice` }],
    });
  }
  return new AppError('ERR_CHAT_DEVICES_CHANGED', 'recipient devices differ', { mismatch: check.mismatch });
}

/** Erases messages and the files no other live message attaches; returns those files (their bytes go next). */
async function eraseMessages(tx: Queryable, targets: readonly MessageRef[], now: Date): Promise<string[]> {
  const attached = await eraseMessageContent(tx, targets, now);
  return deleteFilesNoLongerAttached(tx, attached, now);
}
