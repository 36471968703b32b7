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
  /** Older stores: a member left, make a fresh key (now kept apart, see requireRotation). */
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
    const rotate = (await this.store.get<boolean>(`group-rotate/${channelId}`)) === true;
    if (stored && !stored.rotate && !rotate) {
      return {
        key: OutboundSenderKey.fromJSON(stored.key),
        distributedTo: stored.distributedTo,
        fresh: false,
      };
    }
    const key = stored ? rotateSenderKey(OutboundSenderKey.fromJSON(stored.key)) : createSenderKey(channelId);
    await this.saveOutbound(channelId, key, []);
    await this.store.delete(`group-rotate/${channelId}`);
    return { key, distributedTo: [], fresh: true };
  }

  async saveOutbound(channelId: string, key: OutboundSenderKey, distributedTo: string[]): Promise<void> {
    await this.store.set(`group-out/${channelId}`, {
      key: key.toJSON(),
      distributedTo,
      rotate: false,
    } satisfies StoredOutbound);
  }

  /**
   * After a member left: the next send uses a new key, handed only to the remaining devices.
   * A flag of its own, not a field of the outbound state: the outbox may be saving that state
   * (a send in flight) while the inbox processes the removal, and must not overwrite the flag.
   */
  async requireRotation(channelId: string): Promise<void> {
    if (await this.store.get<StoredOutbound>(`group-out/${channelId}`))
      await this.store.set(`group-rotate/${channelId}`, true);
  }

  /** A device whose key changed no longer holds our keys: rotate wherever it did. */
  async forgetHolder(deviceId: string): Promise<void> {
    for (const key of await this.store.keys('group-out/')) {
      const stored = await this.store.get<StoredOutbound>(key);
      if (stored?.distributedTo.includes(deviceId))
        await this.store.set(`group-rotate/${key.slice('group-out/'.length)}`, true);
    }
  }

  async inbound(channelId: string): Promise<InboundSenderKeys> {
    const stored = await this.store.get<unknown>(`group-in/${channelId}`);
    return stored ? InboundSenderKeys.fromJSON(stored) : new InboundSenderKeys(channelId);
  }

  async saveInbound(channelId: string, keys: InboundSenderKeys): Promise<void> {
    await this.store.set(`group-in/${channelId}`, keys.toJSON());
  }
}
