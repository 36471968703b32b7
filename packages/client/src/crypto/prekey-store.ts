import { toBase64Url } from '@spreekuur/crypto/encoding';
import type { DeviceIdentity } from '@spreekuur/crypto/identity';
import {
  generateKemPreKey,
  generateOneTimePreKeys,
  generateSignedPreKey,
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
/** A new signed prekey and ML-KEM prekey this often (SPEC §3.2)... */
export const PREKEY_ROTATION_MS = 7 * 24 * 3600_000;
/** ...and the replaced ones are kept this long, for first messages still under way. */
export const PREKEY_GRACE_MS = 14 * 24 * 3600_000;

interface Stored {
  keys: unknown;
  nextOneTimeId: number;
  /** When the current signed pair was made (absent in older stores: rotate at once). */
  rotatedAt?: number;
  /** Replaced signed-prekey ids (the ML-KEM prekey has the same id) and when they were replaced. */
  retired?: Array<{ id: number; at: number }>;
  /** The current pair is not on the server yet. */
  unpublished?: boolean;
}

type SignedUpload = { id: number; publicKey: string; signature: string };

/** The private halves of this device's prekeys, and making new public ones to upload. */
export class PrekeyStore {
  private constructor(
    private readonly store: KeyValueStore,
    private keys: PrivatePreKeys,
    private nextOneTimeId: number,
    private rotation: Pick<Stored, 'rotatedAt' | 'retired' | 'unpublished'> = {},
  ) {}

  static async load(store: KeyValueStore): Promise<PrekeyStore | null> {
    const stored = await store.get<Stored>(KEY);
    return stored
      ? new PrekeyStore(store, privatePreKeysFromJSON(stored.keys), stored.nextOneTimeId, {
          rotatedAt: stored.rotatedAt,
          retired: stored.retired,
          unpublished: stored.unpublished,
        })
      : null;
  }

  /** A fresh set (at registration): returns what to upload, in the server's wire shape. */
  static async create(store: KeyValueStore, identity: DeviceIdentity) {
    const { upload, privateKeys } = generatePreKeys(identity, {
      signedPreKeyId: 1,
      kemPreKeyId: 1,
      firstOneTimePreKeyId: 1,
      oneTimePreKeyCount: ONE_TIME_PREKEY_BATCH,
    });
    const prekeys = new PrekeyStore(store, privateKeys, ONE_TIME_PREKEY_BATCH + 1, { rotatedAt: Date.now() });
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
      ...this.rotation,
    } satisfies Stored);
  }

  /**
   * Weekly: a new signed prekey and ML-KEM prekey (next id), saved before anything else so
   * first messages made with them can be read; the replaced pair stays for PREKEY_GRACE_MS,
   * then its private halves are deleted. Returns what to publish (also a pair made earlier
   * whose upload failed), or null when the server has the current pair.
   */
  async rotateIfDue(
    identity: DeviceIdentity,
    now = Date.now(),
  ): Promise<{ signedPrekey: SignedUpload; kemPrekey: SignedUpload } | null> {
    const [current] = this.keys.signedPreKeys;
    const due = !current || (this.rotation.rotatedAt ?? 0) + PREKEY_ROTATION_MS <= now;
    let retired = this.rotation.retired ?? [];
    if (due) {
      const id =
        Math.max(
          0,
          ...this.keys.signedPreKeys.map((key) => key.id),
          ...this.keys.kemPreKeys.map((k) => k.id),
        ) + 1;
      retired = [...retired, ...(current ? [{ id: current.id, at: now }] : [])];
      this.keys = {
        ...this.keys,
        signedPreKeys: [generateSignedPreKey(identity, id), ...this.keys.signedPreKeys],
        kemPreKeys: [generateKemPreKey(identity, id), ...this.keys.kemPreKeys],
      };
      this.rotation = { ...this.rotation, rotatedAt: now, unpublished: true };
    }
    const expired = new Set(retired.filter((entry) => entry.at + PREKEY_GRACE_MS <= now).map((e) => e.id));
    if (expired.size > 0 || due) {
      this.keys = {
        ...this.keys,
        signedPreKeys: this.keys.signedPreKeys.filter((key) => !expired.has(key.id)),
        kemPreKeys: this.keys.kemPreKeys.filter((key) => !expired.has(key.id)),
      };
      this.rotation = { ...this.rotation, retired: retired.filter((entry) => !expired.has(entry.id)) };
      await this.save();
    }
    if (!this.rotation.unpublished) return null;
    const [signed, kem] = [this.keys.signedPreKeys[0]!, this.keys.kemPreKeys[0]!];
    const wire = (key: { id: number; publicKey: Uint8Array; signature: Uint8Array }) => ({
      id: key.id,
      publicKey: toBase64Url(key.publicKey),
      signature: toBase64Url(key.signature),
    });
    return { signedPrekey: wire(signed), kemPrekey: wire(kem) };
  }

  /** The server took the current pair. */
  async published(): Promise<void> {
    this.rotation = { ...this.rotation, unpublished: false };
    await this.save();
  }

  /** Ids of the signed prekeys whose private halves are still held (current first). */
  signedPrekeyIds(): number[] {
    return this.keys.signedPreKeys.map((key) => key.id);
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
