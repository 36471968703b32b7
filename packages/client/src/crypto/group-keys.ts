import {
  createSenderKey,
  InboundSenderKeys,
  OutboundSenderKey,
  rotateSenderKey,
} from '@spreekuur/crypto/sender-keys';
import type { KeyValueStore } from '../storage/key-value-store.ts';

interface StoredOutbound {
  key: unknown;
  /** Devices that hold this key: a send must address exactly these. */
  distributedTo: string[];
  /** A member left: make a fresh key before the next message. */
  rotate: boolean;
}

/**
 * Sender keys per group channel: this device's own (outbound) key with the devices it was
 * handed to, and the keys of the other senders (inbound). The group id bound into every
 * message is the channel id.
 */
export class GroupKeys {
  constructor(private readonly store: KeyValueStore) {}

  async outbound(
    channelId: string,
  ): Promise<{ key: OutboundSenderKey; distributedTo: string[]; fresh: boolean }> {
    const stored = await this.store.get<StoredOutbound>(`group-out/${channelId}`);
    if (stored && !stored.rotate) {
      return {
        key: OutboundSenderKey.fromJSON(stored.key),
        distributedTo: stored.distributedTo,
        fresh: false,
      };
    }
    const key = stored ? rotateSenderKey(OutboundSenderKey.fromJSON(stored.key)) : createSenderKey(channelId);
    await this.saveOutbound(channelId, key, []);
    return { key, distributedTo: [], fresh: true };
  }

  async saveOutbound(channelId: string, key: OutboundSenderKey, distributedTo: string[]): Promise<void> {
    await this.store.set(`group-out/${channelId}`, {
      key: key.toJSON(),
      distributedTo,
      rotate: false,
    } satisfies StoredOutbound);
  }

  /** After a member left: the next send uses a new key, handed only to the remaining devices. */
  async requireRotation(channelId: string): Promise<void> {
    const stored = await this.store.get<StoredOutbound>(`group-out/${channelId}`);
    if (stored) await this.store.set(`group-out/${channelId}`, { ...stored, rotate: true });
  }

  async inbound(channelId: string): Promise<InboundSenderKeys> {
    const stored = await this.store.get<unknown>(`group-in/${channelId}`);
    return stored ? InboundSenderKeys.fromJSON(stored) : new InboundSenderKeys(channelId);
  }

  async saveInbound(channelId: string, keys: InboundSenderKeys): Promise<void> {
    await this.store.set(`group-in/${channelId}`, keys.toJSON());
  }
}
