import { fromBase64Url, toBase64Url } from '@spreekuur/crypto/encoding';
import { verifyFranking } from '@spreekuur/crypto/franking';
import { isCryptoError } from '@spreekuur/crypto/errors';
import type { ChannelEvent } from '@spreekuur/protocol/chat';
import type { MessageContent } from '@spreekuur/protocol/content';
import type { GroupKeys } from '../crypto/group-keys.ts';
import type { PairwiseSessions } from '../crypto/pairwise-sessions.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { ChatMessage, ClientEvents } from '../types.ts';
import type { DeviceDirectory } from './device-directory.ts';
import type { MembershipView } from './membership-view.ts';
import { checkAddition } from './membership-proofs.ts';
import { contextMismatch, decodePlaintext, type DecodedPlaintext } from './plaintext.ts';

type MessageEvent = Extract<ChannelEvent, { kind: 'message' }>;

export interface ProcessorDeps {
  store: KeyValueStore;
  sessions: PairwiseSessions;
  groups: GroupKeys;
  devices: DeviceDirectory;
  /** Our own view of who is a member, from the log (absent: the server's word). */
  membership?: MembershipView;
  self: { personId: string; deviceId: string };
  /**
   * With both: additions to group channels are checked for an owner's or moderator's signature
   * (SPEC §13.5), and unverified ones are reported as `membership:unverified`.
   */
  selfIdentityKey?: Uint8Array;
  channelKind?: (channelId: string) => Promise<'direct' | 'group' | 'office_hour'>;
  emit: <K extends keyof ClientEvents>(event: K, value: ClientEvents[K]) => void;
  /** Called after each processed entry (delivery receipts). */
  delivered: (channelId: string, seq: number) => void;
}

/** A message that can never be read here (decrypted but malformed, or from an unknown device). */
class UnreadableMessage extends Error {
  constructor(
    message: string,
    options?: ErrorOptions,
    readonly code:
      'ERR_CLIENT_DECRYPT' | 'ERR_CLIENT_MISMATCH' | 'ERR_CLIENT_UNTRUSTED_SENDER' = 'ERR_CLIENT_DECRYPT',
  ) {
    super(message, options);
  }
}

function readPlaintext<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (isCryptoError(error)) throw error;
    throw new UnreadableMessage('decrypted content is malformed', { cause: error });
  }
}

/**
 * Turns one log entry into what the app sees: decrypts (pairwise or sender key), keeps
 * sender keys it receives, reacts to membership changes, stores the decrypted message
 * locally (the ratchet cannot decrypt it twice) and emits it once.
 */
export class EventProcessor {
  constructor(private readonly deps: ProcessorDeps) {}

  async process(event: ChannelEvent): Promise<void> {
    switch (event.kind) {
      case 'message':
        await this.message(event);
        break;
      case 'member_added':
        await this.checkAddition(event);
        await this.deps.membership?.added(event.channelId, event.personId, event.role, event.seq);
        if (event.personId === this.deps.self.personId)
          await this.deps.store.delete(`left/${event.channelId}`);
        await this.deps.devices.refresh(event.channelId).catch(() => undefined);
        this.deps.emit('membership', {
          channelId: event.channelId,
          seq: event.seq,
          personId: event.personId,
          change: 'added',
          byPersonId: event.byPersonId,
        });
        break;
      case 'member_removed':
        await this.memberRemoved(event);
        break;
      case 'message_deleted': {
        const stored = await this.deps.store.get<ChatMessage>(
          `messages/${event.channelId}/${event.targetSeq}`,
        );
        if (stored)
          await this.deps.store.set(`messages/${event.channelId}/${event.targetSeq}`, {
            ...stored,
            status: 'deleted',
            content: null,
          });
        this.deps.emit('message-deleted', {
          channelId: event.channelId,
          seq: event.targetSeq,
          byPersonId: event.byPersonId,
        });
        break;
      }
      case 'settings_changed':
        this.deps.emit('settings-changed', {
          channelId: event.channelId,
          disappearingSeconds: event.disappearingSeconds,
          byPersonId: event.byPersonId,
        });
        break;
      case 'moderation':
        if (event.change.type === 'role_changed')
          await this.deps.membership?.roleChanged(event.channelId, event.change.personId, event.change.role);
        this.deps.emit('moderation', {
          channelId: event.channelId,
          seq: event.seq,
          change: event.change,
          byPersonId: event.byPersonId,
        });
        break;
    }
    this.deps.delivered(event.channelId, event.seq);
  }

  /**
   * After the Inbox saved its cursor past `event`. Our own copy of a sent message is dropped
   * only now: were it dropped while processing, a crash before the cursor is saved would
   * replay the entry without it.
   */
  async committed(event: ChannelEvent): Promise<void> {
    if (event.kind === 'message' && event.senderDeviceId === this.deps.self.deviceId)
      await this.deps.store.delete(`sent/${event.clientId}`);
  }

  /**
   * The server no longer lets us read a channel: we were removed, perhaps while offline (the
   * server then lists the channel no more and hands out none of its log). Our own removal, if
   * it was pushed, is processed as usual; otherwise the channel is marked as left here and the
   * app hears of it once, with the last entry this device saw and no `byPersonId`.
   * Returns the entry the cursor may move to.
   */
  async refused(
    channelId: string,
    cursor: number | undefined,
    buffered: ChannelEvent[],
  ): Promise<number | undefined> {
    const removal = buffered
      .filter((event) => cursor === undefined || event.seq > cursor)
      .findLast((event) => event.kind === 'member_removed' && event.personId === this.deps.self.personId);
    if (removal) {
      await this.process(removal);
      return removal.seq;
    }
    if ((await this.deps.store.get(`left/${channelId}`)) !== undefined) return undefined;
    await this.deps.store.set(`left/${channelId}`, cursor ?? 0);
    this.deps.emit('membership', {
      channelId,
      seq: cursor ?? 0,
      personId: this.deps.self.personId,
      change: 'removed',
      byPersonId: null,
    });
    return undefined;
  }

  /**
   * SPEC §13.5: who added this member, by a signature we can check? The server cannot forge one,
   * so an addition it made up (or replayed) shows up here. Checked before the entry is applied.
   */
  private async checkAddition(event: Extract<ChannelEvent, { kind: 'member_added' }>): Promise<void> {
    const { membership, channelKind, selfIdentityKey } = this.deps;
    if (!membership || !channelKind || !selfIdentityKey) return;
    // Office hours are filled by the queue and direct channels by the server: nobody signs those.
    if ((await channelKind(event.channelId)) !== 'group') return;
    const verdict = await checkAddition(event, {
      membership,
      devices: this.deps.devices,
      self: { deviceId: this.deps.self.deviceId, identityKey: selfIdentityKey },
    });
    if (verdict === 'verified') return;
    this.deps.emit('membership:unverified', {
      channelId: event.channelId,
      seq: event.seq,
      personId: event.personId,
      byPersonId: event.byPersonId,
      reason: verdict,
    });
  }

  private async memberRemoved(event: Extract<ChannelEvent, { kind: 'member_removed' }>): Promise<void> {
    const { channelId, personId } = event;
    await this.deps.membership?.removed(channelId, personId, event.seq);
    if (personId !== this.deps.self.personId) {
      // Their devices must not read what we send from now on: drop their keys, rotate ours.
      // Every device of theirs we know: the server's listing may leave one out, our pins do not.
      const listed = ((await this.deps.devices.cached(channelId)) ?? []).filter(
        (device) => device.personId === personId,
      );
      const pinned = await this.deps.devices.trust.pinsOf(personId);
      const inbound = await this.deps.groups.inbound(channelId);
      for (const device of [...listed, ...pinned]) inbound.removeSender(device.deviceId);
      await this.deps.groups.saveInbound(channelId, inbound);
      await this.deps.groups.requireRotation(channelId);
      await this.deps.devices.refresh(channelId).catch(() => undefined);
    } else {
      await this.deps.store.set(`left/${channelId}`, event.seq);
      // The others dropped our sender key when we left: should we come back, we send a new one.
      await this.deps.groups.requireRotation(channelId);
    }
    this.deps.emit('membership', {
      channelId,
      seq: event.seq,
      personId,
      change: 'removed',
      byPersonId: event.byPersonId,
    });
  }

  private async message(event: MessageEvent): Promise<void> {
    const key = `messages/${event.channelId}/${event.seq}`;
    // Handled before the device stopped, but the cursor was not saved: the app has it already.
    if ((await this.deps.store.get(key)) !== undefined) return;
    const base = {
      channelId: event.channelId,
      seq: event.seq,
      clientId: event.clientId,
      senderPersonId: event.senderPersonId,
      senderDeviceId: event.senderDeviceId,
      sentAt: event.createdAt,
      own: event.senderPersonId === this.deps.self.personId,
      replacesSeq: event.replacesSeq,
    };
    let content: MessageContent | null = null;
    let status: ChatMessage['status'] = event.deleted ? 'deleted' : 'unavailable';
    let author = base.senderPersonId;
    if (event.senderDeviceId === this.deps.self.deviceId) {
      // Our own message: we kept its content when we sent it (dropped in `committed`).
      const sent = await this.deps.store.get<{ content: MessageContent | { type: 'sender_key' } }>(
        `sent/${event.clientId}`,
      );
      if (sent?.content.type === 'sender_key') return;
      if (sent && !event.deleted) [content, status] = [sent.content, 'ok'];
    } else if (event.ciphertext && !event.deleted) {
      try {
        const decrypted = await this.decrypt(event, event.ciphertext);
        if (decrypted === 'control') return;
        // Moderation: what a report of this message reveals (moderation.ts reads it back).
        if (decrypted.franking)
          await this.deps.store.set(`franking/${event.channelId}/${event.seq}`, decrypted.franking);
        [content, status, author] = [decrypted.content, 'ok', decrypted.personId];
      } catch (error) {
        // A repeat of something already handled: nothing to show.
        if (isCryptoError(error, 'ERR_CRYPTO_REPLAY')) return;
        // Only a verdict on the message itself is final. Anything else (no network to look up
        // the sender's device, the server busy, storage trouble) leaves the entry in the Inbox,
        // which tries again later; nothing of the ratchet has been used up by then.
        if (!isCryptoError(error) && !(error instanceof UnreadableMessage)) throw error;
        // Unreadable: the author is whom the sender device is pinned to, not the envelope's claim.
        author = (await this.deps.devices.trust.pin(event.senderDeviceId))?.personId ?? author;
        this.deps.emit('error', {
          code: error.code,
          message:
            error instanceof UnreadableMessage && error.code !== 'ERR_CLIENT_DECRYPT'
              ? error.message
              : 'a message could not be decrypted',
          channelId: event.channelId,
          seq: event.seq,
        });
      }
    }
    // The author is who the ciphertext and our pins say, never the envelope alone.
    const message: ChatMessage = {
      ...base,
      senderPersonId: author,
      own: author === this.deps.self.personId,
      status,
      content,
    };
    // A history transfer (or backup restore) may have brought this message meanwhile: keep that.
    if (status === 'unavailable' && (await this.deps.store.get(key)) !== undefined) return;
    await this.deps.store.set(key, message);
    this.deps.emit('message', message);
  }

  /**
   * Decrypts, checking that what the server says about the sender matches the cryptography:
   * the sender device must be pinned and trusted, and the sender and context written inside
   * the ciphertext (plaintext v2) must equal the envelope's. Returns the author as the
   * ciphertext names it.
   */
  private async decrypt(
    event: MessageEvent,
    ciphertext: string,
  ): Promise<
    | { content: MessageContent; personId: string; franking?: { plaintext: string; frankingKey: string } }
    | 'control'
  > {
    const bytes = fromBase64Url(ciphertext);
    const sender = await this.deps.devices.senderOf(event.channelId, event.senderDeviceId);
    if (!sender) throw new UnreadableMessage('sender device unknown');
    if (sender.state !== 'trusted') {
      throw new UnreadableMessage(
        `message from a device that is not trusted (${sender.state})`,
        undefined,
        'ERR_CLIENT_UNTRUSTED_SENDER',
      );
    }
    let decoded: DecodedPlaintext;
    let plaintextBytes: Uint8Array;
    if (event.envelopeKind === 'group') {
      const inbound = await this.deps.groups.inbound(event.channelId);
      // Looked up under (named sender device, key id): another member cannot squat a key id.
      const { senderId, plaintext } = inbound.decrypt(bytes, event.senderDeviceId);
      await this.deps.groups.saveInbound(event.channelId, inbound);
      if (senderId !== event.senderDeviceId)
        throw new UnreadableMessage('group message from a device other than the one named');
      decoded = readPlaintext(() => decodePlaintext(plaintext, 'group'));
      plaintextBytes = plaintext;
    } else {
      const plaintext = await this.deps.sessions.decrypt(
        event.senderDeviceId,
        fromBase64Url(sender.identityKey),
        bytes,
      );
      decoded = readPlaintext(() => decodePlaintext(plaintext, 'pairwise'));
      plaintextBytes = plaintext;
    }
    const mismatch = contextMismatch(decoded, {
      channelId: event.channelId,
      senderDeviceId: event.senderDeviceId,
      pinnedPersonId: sender.personId,
      envelopePersonId: event.senderPersonId,
      replacesSeq: event.replacesSeq,
    });
    if (mismatch) {
      throw new UnreadableMessage(
        `the ${mismatch} inside the message differs from what the server says`,
        undefined,
        'ERR_CLIENT_MISMATCH',
      );
    }
    const { content } = decoded;
    if (content.type === 'sender_key') {
      // The sender id is the device whose pairwise session carried it, never an envelope claim.
      const inbound = await this.deps.groups.inbound(event.channelId);
      inbound.importDistribution(event.senderDeviceId, fromBase64Url(content.distribution));
      await this.deps.groups.saveInbound(event.channelId, inbound);
      return 'control';
    }
    return { content, personId: sender.personId, ...this.franking(event, decoded, plaintextBytes) };
  }

  /**
   * Moderation (SPEC §14.2): a message whose commitment does not open under the key inside it
   * could never be reported, so it is not shown. One without commitment or key (an older
   * sender) is shown but cannot be reported.
   */
  private franking(
    event: MessageEvent,
    decoded: DecodedPlaintext,
    plaintext: Uint8Array,
  ): { franking?: { plaintext: string; frankingKey: string } } {
    const key = decoded.v === 2 ? decoded.frankingKey : undefined;
    if (!event.frankingCommitment || !key) return {};
    if (!verifyFranking(fromBase64Url(event.frankingCommitment), fromBase64Url(key), plaintext))
      throw new UnreadableMessage('the franking commitment does not open', undefined, 'ERR_CLIENT_MISMATCH');
    return { franking: { plaintext: toBase64Url(plaintext), frankingKey: key } };
  }
}
