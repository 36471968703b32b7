import { toBase64Url } from '@spreekuur/crypto/encoding';
import { CryptoError, isCryptoError } from '@spreekuur/crypto/errors';
import type { DeviceIdentity } from '@spreekuur/crypto/identity';
import { bundleFromJSON } from '@spreekuur/crypto/prekeys';
import {
  acceptSession,
  initiateSession,
  pairwiseMessageKind,
  parsePreKeyMessage,
  Session,
} from '@spreekuur/crypto/session';
import type { PrekeyBundle } from '@spreekuur/protocol/chat';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import { KeyedLock } from './keyed-lock.ts';
import type { PrekeyStore } from './prekey-store.ts';

/** At most this many sessions per remote device (simultaneous starts make two). */
const SESSIONS_PER_DEVICE = 3;
/** Base keys of accepted sessions remembered to refuse a replayed first message (SPEC §4.4). */
const ACCEPTED_BASES_KEPT = 2_000;

interface StoredSession {
  id: string;
  state: unknown;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Double Ratchet sessions with every device this device talks to, persisted after every
 * encryption and decryption (before the result is used), as the crypto checklist requires.
 * The first session in the list is the one to send with: the most recently used.
 */
export class PairwiseSessions {
  /** Per remote device: every load-change-save of its sessions runs alone (outbox vs. inbox). */
  private readonly lock = new KeyedLock();

  constructor(
    private readonly store: KeyValueStore,
    private readonly identity: DeviceIdentity,
    private readonly prekeys: PrekeyStore,
  ) {}

  private key(deviceId: string) {
    return `sessions/${deviceId}`;
  }

  private async load(deviceId: string): Promise<Session[]> {
    const stored = (await this.store.get<StoredSession[]>(this.key(deviceId))) ?? [];
    return stored.map((entry) => Session.fromJSON(entry.state));
  }

  private async save(deviceId: string, sessions: Session[]): Promise<void> {
    await this.store.set(
      this.key(deviceId),
      sessions
        .slice(0, SESSIONS_PER_DEVICE)
        .map((session) => ({ id: toBase64Url(session.sessionId), state: session.toJSON() })),
    );
  }

  /** After a device's key change was accepted: the next message starts a new session. */
  forget(deviceId: string): Promise<void> {
    return this.lock.run(deviceId, () => this.store.delete(this.key(deviceId)));
  }

  async has(deviceId: string): Promise<boolean> {
    return (await this.store.get<StoredSession[]>(this.key(deviceId)))?.length ? true : false;
  }

  /** Starts a session from a bundle whose identity key matches what the directory says the device has. */
  start(bundle: PrekeyBundle, expectedIdentityKey: string): Promise<void> {
    return this.lock.run(bundle.deviceId, () => this.startUnlocked(bundle, expectedIdentityKey));
  }

  private async startUnlocked(bundle: PrekeyBundle, expectedIdentityKey: string): Promise<void> {
    if (bundle.identityKey !== expectedIdentityKey) {
      throw new CryptoError(
        'ERR_CRYPTO_BAD_SIGNATURE',
        `bundle of device ${bundle.deviceId} has an unexpected identity key`,
      );
    }
    const session = initiateSession(
      this.identity,
      bundleFromJSON({
        identityKey: bundle.identityKey,
        signedPreKey: bundle.signedPrekey,
        kemPreKey: bundle.kemPrekey,
        ...(bundle.oneTimePrekey ? { oneTimePreKey: bundle.oneTimePrekey } : {}),
      }),
    );
    await this.save(bundle.deviceId, [session, ...(await this.load(bundle.deviceId))]);
  }

  encrypt(deviceId: string, plaintext: Uint8Array): Promise<Uint8Array> {
    return this.lock.run(deviceId, () => this.encryptUnlocked(deviceId, plaintext));
  }

  private async encryptUnlocked(deviceId: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const [current, ...rest] = await this.load(deviceId);
    if (!current) throw new CryptoError('ERR_CRYPTO_BAD_STATE', `no session with device ${deviceId}`);
    const ciphertext = current.encrypt(plaintext);
    await this.save(deviceId, [current, ...rest]);
    return ciphertext;
  }

  /**
   * Decrypts a message from a device whose identity key the directory reported. A first
   * message either continues a known session (a repeat before we answered) or starts a new
   * one, consuming the one-time prekey it names.
   */
  decrypt(deviceId: string, expectedIdentityKey: Uint8Array, message: Uint8Array): Promise<Uint8Array> {
    // Accepted base keys and one-time prekeys are shared by all devices: one more queue for those.
    return this.lock.run(deviceId, () =>
      pairwiseMessageKind(message) === 'prekey'
        ? this.lock.run('prekeys', () => this.decryptUnlocked(deviceId, expectedIdentityKey, message))
        : this.decryptUnlocked(deviceId, expectedIdentityKey, message),
    );
  }

  private async decryptUnlocked(
    deviceId: string,
    expectedIdentityKey: Uint8Array,
    message: Uint8Array,
  ): Promise<Uint8Array> {
    const sessions = await this.load(deviceId);
    if (pairwiseMessageKind(message) === 'prekey') {
      const info = parsePreKeyMessage(message);
      if (!sameBytes(info.initiatorIdentityKey, expectedIdentityKey)) {
        throw new CryptoError(
          'ERR_CRYPTO_BAD_SIGNATURE',
          `message claims to be from device ${deviceId} but carries another identity key`,
        );
      }
      const known = sessions.findIndex((session) => sameBytes(session.sessionId, info.baseKey));
      if (known < 0) {
        const baseKey = toBase64Url(info.baseKey);
        const accepted = (await this.store.get<string[]>('accepted-bases')) ?? [];
        if (accepted.includes(baseKey))
          throw new CryptoError('ERR_CRYPTO_REPLAY', 'first message of a session seen before');
        const result = acceptSession(this.identity, this.prekeys.lookup(), message);
        if (result.usedOneTimePreKeyId !== undefined)
          await this.prekeys.consumeOneTime(result.usedOneTimePreKeyId);
        await this.store.set('accepted-bases', [...accepted, baseKey].slice(-ACCEPTED_BASES_KEPT));
        await this.save(deviceId, [result.session, ...sessions]);
        return result.plaintext;
      }
      const [session] = sessions.splice(known, 1);
      const plaintext = session!.decrypt(message);
      await this.save(deviceId, [session!, ...sessions]);
      return plaintext;
    }
    let lastError: unknown = new CryptoError('ERR_CRYPTO_BAD_STATE', `no session with device ${deviceId}`);
    for (let index = 0; index < sessions.length; index++) {
      try {
        const session = sessions[index]!;
        const plaintext = session.decrypt(message);
        // The session that last decrypted is the one to answer with (Sesame-style).
        sessions.splice(index, 1);
        await this.save(deviceId, [session, ...sessions]);
        return plaintext;
      } catch (error) {
        if (!isCryptoError(error, 'ERR_CRYPTO_BAD_MAC')) throw error;
        lastError = error;
      }
    }
    throw lastError;
  }
}
