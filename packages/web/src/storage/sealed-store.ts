import type { KeyValueStore } from '@spreekuur/client';
import { KEYS, VALUES, openDatabase, run } from './idb.ts';

const WRAPPING_KEY = 'wrapping-key';

interface Sealed {
  iv: Uint8Array<ArrayBuffer>;
  data: ArrayBuffer;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The device's state in IndexedDB, every value sealed with AES-256-GCM under a key that
 * WebCrypto made non-extractable: the key object lives in IndexedDB too, but its bytes never
 * reach JavaScript, so a copied profile folder or a script that dumps the database reads only
 * ciphertext. (A script running in this page could still ask the browser to decrypt: the
 * Content-Security-Policy is what keeps foreign script out.) Key names stay readable; they say
 * which channels and devices exist, not what was written. Never localStorage.
 */
export class SealedIndexedDbStore implements KeyValueStore {
  private constructor(
    private readonly db: IDBDatabase,
    private readonly key: CryptoKey,
  ) {}

  static async open(name?: string): Promise<SealedIndexedDbStore> {
    const db = await openDatabase(name);
    let key = await run<CryptoKey | undefined>(
      db,
      KEYS,
      'readonly',
      (s) => s.get(WRAPPING_KEY) as IDBRequest<CryptoKey | undefined>,
    );
    if (!key) {
      key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
      // `add` fails if another tab stored one first; then use that one.
      try {
        await run(db, KEYS, 'readwrite', (s) => s.add(key, WRAPPING_KEY));
      } catch {
        key = (await run<CryptoKey | undefined>(
          db,
          KEYS,
          'readonly',
          (s) => s.get(WRAPPING_KEY) as IDBRequest<CryptoKey | undefined>,
        ))!;
      }
    }
    return new SealedIndexedDbStore(db, key);
  }

  async get<T>(name: string): Promise<T | undefined> {
    const sealed = await run<Sealed | undefined>(
      this.db,
      VALUES,
      'readonly',
      (s) => s.get(name) as IDBRequest<Sealed | undefined>,
    );
    if (!sealed) return undefined;
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(name) },
      this.key,
      sealed.data,
    );
    return JSON.parse(decoder.decode(plain)) as T;
  }

  async set(name: string, value: unknown): Promise<void> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    // The key name is bound as associated data, so a value cannot be moved to another name.
    const data = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: encoder.encode(name) },
      this.key,
      encoder.encode(JSON.stringify(value)),
    );
    await run(this.db, VALUES, 'readwrite', (s) => s.put({ iv, data } satisfies Sealed, name));
  }

  async delete(name: string): Promise<void> {
    await run(this.db, VALUES, 'readwrite', (s) => s.delete(name));
  }

  async keys(prefix: string): Promise<string[]> {
    // Every key that starts with `prefix` sorts between it and prefix + U+FFFF.
    const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
    const keys = await run(this.db, VALUES, 'readonly', (s) => s.getAllKeys(range));
    return keys.map(String);
  }

  /** Forgets this device (after it was revoked): keys and values. */
  async clear(): Promise<void> {
    await run(this.db, VALUES, 'readwrite', (s) => s.clear());
    await run(this.db, KEYS, 'readwrite', (s) => s.clear());
  }
}
