import { fromBase64Url, toBase64Url, utf8Decode, utf8Encode } from '@spreekuur/crypto/encoding';
import { ready } from '@spreekuur/crypto/ready';
import {
  deriveStateKey,
  newPassphraseParams,
  openState,
  sealState,
  type PassphraseParams,
} from '@spreekuur/crypto/state-encryption';
import { SpreekuurError } from '../errors.ts';
import type { KeyValueStore } from './key-value-store.ts';

/**
 * What encrypts the values: the passphrase key below, or a platform key (the web app wraps
 * with a non-extractable WebCrypto AES-GCM key, an OS keystore elsewhere). `associatedData`
 * must be bound into the ciphertext (it names the value), and decrypt must throw on any failure.
 */
export interface StateCipher {
  encrypt(plaintext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array>;
  decrypt(ciphertext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array>;
}

/** Stored beside the values (in the clear): how to derive the key, and a value to check it with. */
interface PassphraseHeader {
  v: 1;
  kdf: 'argon2id';
  salt: string;
  opsLimit: number;
  memLimit: number;
  check: string;
}

interface SealedValue {
  v: 1;
  sealed: string;
}

const HEADER = 'encryption';
const CHECK = 'spreekuur/encrypted-store/check';

const locked = (message: string) => new SpreekuurError('ERR_CLIENT_LOCKED', message);

/** XChaCha20-Poly1305 under a key from the person's passphrase or PIN (Argon2id). */
class PassphraseCipher implements StateCipher {
  constructor(private key: Uint8Array | null) {}

  async encrypt(plaintext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
    if (!this.key) throw locked('the store is locked');
    return sealState(this.key, plaintext, associatedData);
  }

  async decrypt(ciphertext: Uint8Array, associatedData: Uint8Array): Promise<Uint8Array> {
    if (!this.key) throw locked('the store is locked');
    return openState(this.key, ciphertext, associatedData);
  }

  forget(): void {
    this.key?.fill(0);
    this.key = null;
  }
}

/**
 * A {@link KeyValueStore} whose values are encrypted before they reach the store underneath
 * (SPEC §9.2): identity, prekeys, sessions, sender keys, pins and messages. Key names stay
 * readable (they name channels and devices, not content). A wrong passphrase, a locked store
 * or an altered value is ERR_CLIENT_LOCKED; nothing is returned half-decrypted.
 */
export class EncryptedStore implements KeyValueStore {
  private constructor(
    private readonly inner: KeyValueStore,
    private readonly cipher: StateCipher,
  ) {}

  /** Over any cipher (e.g. a platform key). */
  static withCipher(inner: KeyValueStore, cipher: StateCipher): EncryptedStore {
    return new EncryptedStore(inner, cipher);
  }

  /**
   * Opens (or, when the store is new, sets up) the store with a passphrase or PIN. Throws
   * ERR_CLIENT_LOCKED for a wrong one. `params` only for tests and slow devices (Argon2id limits).
   */
  static async withPassphrase(
    inner: KeyValueStore,
    passphrase: string,
    params: { opsLimit?: number; memLimit?: number } = {},
  ): Promise<EncryptedStore> {
    await ready();
    const header = await inner.get<PassphraseHeader>(HEADER);
    if (!header) {
      if ((await inner.keys('')).length > 0) throw locked('this store holds unencrypted state');
      const fresh = newPassphraseParams(params);
      const cipher = new PassphraseCipher(await deriveStateKey(passphrase, fresh));
      const check = await cipher.encrypt(utf8Encode(CHECK), utf8Encode(HEADER));
      await inner.set(HEADER, {
        v: 1,
        kdf: 'argon2id',
        salt: toBase64Url(fresh.salt),
        opsLimit: fresh.opsLimit,
        memLimit: fresh.memLimit,
        check: toBase64Url(check),
      } satisfies PassphraseHeader);
      return new EncryptedStore(inner, cipher);
    }
    if (header.v !== 1 || header.kdf !== 'argon2id') throw locked('unknown store encryption');
    const derived: PassphraseParams = {
      salt: fromBase64Url(header.salt),
      opsLimit: header.opsLimit,
      memLimit: header.memLimit,
    };
    const cipher = new PassphraseCipher(await deriveStateKey(passphrase, derived));
    try {
      if (utf8Decode(await cipher.decrypt(fromBase64Url(header.check), utf8Encode(HEADER))) !== CHECK)
        throw new Error('check value differs');
    } catch {
      cipher.forget();
      throw locked('wrong passphrase');
    }
    return new EncryptedStore(inner, cipher);
  }

  /** Whether `inner` holds a passphrase-encrypted state (opening it needs the passphrase or PIN). */
  static async isEncrypted(inner: KeyValueStore): Promise<boolean> {
    return (await inner.get(HEADER)) !== undefined;
  }

  /** Forgets the key (passphrase stores): every later call throws ERR_CLIENT_LOCKED. */
  lock(): void {
    if (this.cipher instanceof PassphraseCipher) this.cipher.forget();
  }

  async get<T>(key: string): Promise<T | undefined> {
    if (key === HEADER) return undefined;
    const stored = await this.inner.get<SealedValue>(key);
    if (stored === undefined) return undefined;
    let plaintext: Uint8Array;
    try {
      plaintext = await this.cipher.decrypt(fromBase64Url(stored.sealed), utf8Encode(key));
    } catch (error) {
      if (error instanceof SpreekuurError) throw error;
      throw locked(`value ${key} does not open with this key`);
    }
    return JSON.parse(utf8Decode(plaintext)) as T;
  }

  async set(key: string, value: unknown): Promise<void> {
    if (key === HEADER) throw new SpreekuurError('ERR_CLIENT_LOCKED', `${HEADER} is reserved`);
    const sealed = await this.cipher.encrypt(utf8Encode(JSON.stringify(value)), utf8Encode(key));
    await this.inner.set(key, { v: 1, sealed: toBase64Url(sealed) } satisfies SealedValue);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  async keys(prefix: string): Promise<string[]> {
    return (await this.inner.keys(prefix)).filter((key) => key !== HEADER);
  }
}
