import { toBase64Url } from '@spreekuur/crypto/encoding';
import type { DeviceIdentity } from '@spreekuur/crypto/identity';
import {
  generateOneTimePreKeys,
  generatePreKeys,
  preKeyLookup,
  privatePreKeysFromJSON,
  privatePreKeysToJSON,
  publicOneTimePreKey,
  uploadToJSON,
  type PreKeyLookup,
  type PrivatePreKeys,
} from '@spreekuur/crypto/prekeys';
import type { KeyValueStore } from '../storage/key-value-store.ts';

const KEY = 'prekeys';
export const ONE_TIME_PREKEY_BATCH = 100;

interface Stored {
  keys: unknown;
  nextOneTimeId: number;
}

/** The private halves of this device's prekeys, and making new public ones to upload. */
export class PrekeyStore {
  private constructor(
    private readonly store: KeyValueStore,
    private keys: PrivatePreKeys,
    private nextOneTimeId: number,
  ) {}

  static async load(store: KeyValueStore): Promise<PrekeyStore | null> {
    const stored = await store.get<Stored>(KEY);
    return stored ? new PrekeyStore(store, privatePreKeysFromJSON(stored.keys), stored.nextOneTimeId) : null;
  }

  /** A fresh set (at registration): returns what to upload, in the server's wire shape. */
  static async create(store: KeyValueStore, identity: DeviceIdentity) {
    const { upload, privateKeys } = generatePreKeys(identity, {
      signedPreKeyId: 1,
      kemPreKeyId: 1,
      firstOneTimePreKeyId: 1,
      oneTimePreKeyCount: ONE_TIME_PREKEY_BATCH,
    });
    const prekeys = new PrekeyStore(store, privateKeys, ONE_TIME_PREKEY_BATCH + 1);
    await prekeys.save();
    const json = uploadToJSON(upload);
    return {
      prekeys,
      signed: { signedPrekey: json.signedPreKey, kemPrekey: json.kemPreKey },
      oneTime: json.oneTimePreKeys,
    };
  }

  private async save(): Promise<void> {
    await this.store.set(KEY, {
      keys: privatePreKeysToJSON(this.keys),
      nextOneTimeId: this.nextOneTimeId,
    } satisfies Stored);
  }

  lookup(): PreKeyLookup {
    return preKeyLookup(this.keys);
  }

  /** A one-time prekey is used once: forget its private half as soon as a session used it. */
  async consumeOneTime(id: number): Promise<void> {
    this.keys = { ...this.keys, oneTimePreKeys: this.keys.oneTimePreKeys.filter((key) => key.id !== id) };
    await this.save();
  }

  /** More one-time prekeys when the server says few are left. */
  async refill(count = ONE_TIME_PREKEY_BATCH) {
    const fresh = generateOneTimePreKeys(this.nextOneTimeId, count);
    this.nextOneTimeId += count;
    this.keys = { ...this.keys, oneTimePreKeys: [...this.keys.oneTimePreKeys, ...fresh] };
    await this.save();
    return fresh.map((key) => {
      const pub = publicOneTimePreKey(key);
      return { id: pub.id, publicKey: toBase64Url(pub.publicKey) };
    });
  }
}
