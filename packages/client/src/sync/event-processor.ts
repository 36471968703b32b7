import { fromBase64Url, utf8Decode } from '@spreekuur/crypto/encoding';
import { isCryptoError } from '@spreekuur/crypto/errors';
import type { ChannelEvent } from '@spreekuur/protocol/chat';
import { groupPlaintext, pairwisePlaintext, type MessageContent } from '@spreekuur/protocol/content';
import type { GroupKeys } from '../crypto/group-keys.ts';
import type { PairwiseSessions } from '../crypto/pairwise-sessions.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { ChatMessage, ClientEvents } from '../types.ts';
import type { DeviceDirectory } from './device-directory.ts';

type MessageEvent = Extract<ChannelEvent, { kind: 'message' }>;

export interface ProcessorDeps {
  store: KeyValueStore;
  sessions: PairwiseSessions;
  groups: GroupKeys;
  devices: DeviceDirectory;
  self: { personId: string; deviceId: string };
  emit: <K extends keyof ClientEvents>(event: K, value: ClientEvents[K]) => void;
  /** Called after each processed entry (delivery receipts). */
  delivered: (channelId: string, seq: number) => void;
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
    }
    this.deps.delivered(event.channelId, event.seq);
  }

  private async memberRemoved(event: Extract<ChannelEvent, { kind: 'member_removed' }>): Promise<void> {
    const { channelId, personId } = event;
    if (personId !== this.deps.self.personId) {
      // Their devices must not read what we send from now on: drop their keys, rotate ours.
      const known = (await this.deps.devices.cached(channelId)) ?? [];
      const inbound = await this.deps.groups.inbound(channelId);
      for (const device of known) if (device.personId === personId) inbound.removeSender(device.deviceId);
      await this.deps.groups.saveInbound(channelId, inbound);
      await this.deps.groups.requireRotation(channelId);
      await this.deps.devices.refresh(channelId).catch(() => undefined);
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
    if (event.senderDeviceId === this.deps.self.deviceId) {
      // Our own message: we kept its content when we sent it.
      const sent = await this.deps.store.get<{ content: MessageContent | { type: 'sender_key' } }>(
        `sent/${event.clientId}`,
      );
      if (sent?.content.type === 'sender_key') return;
      if (sent && !event.deleted) [content, status] = [sent.content, 'ok'];
      await this.deps.store.delete(`sent/${event.clientId}`);
    } else if (event.ciphertext && !event.deleted) {
      try {
        const decrypted = await this.decrypt(event, event.ciphertext);
        if (decrypted === 'control') return;
        [content, status] = [decrypted, 'ok'];
      } catch (error) {
        // A repeat of something already handled: nothing to show.
        if (isCryptoError(error, 'ERR_CRYPTO_REPLAY')) return;
        const code = isCryptoError(error) ? error.code : 'ERR_CLIENT_DECRYPT';
        this.deps.emit('error', {
          code,
          message: 'a message could not be decrypted',
          channelId: event.channelId,
          seq: event.seq,
        });
      }
    }
    const message: ChatMessage = { ...base, status, content };
    await this.deps.store.set(`messages/${event.channelId}/${event.seq}`, message);
    this.deps.emit('message', message);
  }

  /** Decrypts, checking that what the server says about the sender matches the cryptography. */
  private async decrypt(event: MessageEvent, ciphertext: string): Promise<MessageContent | 'control'> {
    const bytes = fromBase64Url(ciphertext);
    if (event.envelopeKind === 'group') {
      const inbound = await this.deps.groups.inbound(event.channelId);
      const { senderId, plaintext } = inbound.decrypt(bytes);
      await this.deps.groups.saveInbound(event.channelId, inbound);
      if (senderId !== event.senderDeviceId)
        throw new Error('group message from a device other than the one named');
      return groupPlaintext.parse(JSON.parse(utf8Decode(plaintext))).content;
    }
    const identityKey = await this.deps.devices.identityKeyOf(event.channelId, event.senderDeviceId);
    if (!identityKey) throw new Error('sender device unknown');
    const plaintext = await this.deps.sessions.decrypt(
      event.senderDeviceId,
      fromBase64Url(identityKey),
      bytes,
    );
    const { content } = pairwisePlaintext.parse(JSON.parse(utf8Decode(plaintext)));
    if (content.type === 'sender_key') {
      // The sender id is the device whose pairwise session carried it, never an envelope claim.
      const inbound = await this.deps.groups.inbound(event.channelId);
      inbound.importDistribution(event.senderDeviceId, fromBase64Url(content.distribution));
      await this.deps.groups.saveInbound(event.channelId, inbound);
      return 'control';
    }
    return content;
  }
}
