import { describe, expect, it } from 'vitest';
import { EncryptedStore, type StateCipher } from './encrypted-store.ts';
import { MemoryStore } from './key-value-store.ts';

// SPEC §9.2: state at rest is encrypted. Low Argon2id limits keep the test fast; the defaults
// are libsodium's interactive ones.
const fast = { opsLimit: 1, memLimit: 65_536 };

/** Every stored value as the underlying store holds it. */
async function raw(inner: MemoryStore): Promise<string> {
  const values = [];
  for (const key of await inner.keys('')) values.push(JSON.stringify(await inner.get(key)));
  return values.join('\n');
}

describe('EncryptedStore', () => {
  it('keeps values readable with the PIN and unreadable underneath', async () => {
    const inner = new MemoryStore();
    const store = await EncryptedStore.withPassphrase(inner, '4821', fast);
    await store.set('account', { name: 'Sanne de Vries', seed: 'geheime-sleutel' });
    expect(await store.get('account')).toEqual({ name: 'Sanne de Vries', seed: 'geheime-sleutel' });
    expect(await store.keys('')).toEqual(['account']);
    expect(await raw(inner)).not.toMatch(/Sanne|geheime/);
    const reopened = await EncryptedStore.withPassphrase(inner, '4821', fast);
    expect(await reopened.get('account')).toMatchObject({ name: 'Sanne de Vries' });
  });

  it('a wrong PIN cannot read the state', async () => {
    const inner = new MemoryStore();
    await (await EncryptedStore.withPassphrase(inner, '4821', fast)).set('sessions/x', { k: 1 });
    await expect(EncryptedStore.withPassphrase(inner, '4822', fast)).rejects.toMatchObject({
      code: 'ERR_CLIENT_LOCKED',
    });
  });

  it('refuses a value moved under another name, a locked store, and unencrypted state', async () => {
    const inner = new MemoryStore();
    const store = await EncryptedStore.withPassphrase(inner, 'lange zin', fast);
    await store.set('contact-devices/a', { identityKey: 'echt' });
    await store.set('contact-devices/b', { identityKey: 'nep' });
    await inner.set('contact-devices/a', await inner.get('contact-devices/b'));
    await expect(store.get('contact-devices/a')).rejects.toMatchObject({ code: 'ERR_CLIENT_LOCKED' });
    store.lock();
    await expect(store.get('contact-devices/b')).rejects.toMatchObject({ code: 'ERR_CLIENT_LOCKED' });
    await expect(store.set('x', 1)).rejects.toMatchObject({ code: 'ERR_CLIENT_LOCKED' });
    const plain = new MemoryStore();
    await plain.set('account', {});
    await expect(EncryptedStore.withPassphrase(plain, 'pin', fast)).rejects.toMatchObject({
      code: 'ERR_CLIENT_LOCKED',
    });
  });

  it('takes any cipher, e.g. a non-extractable WebCrypto key', async () => {
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    const copy = (bytes: Uint8Array) => new Uint8Array(bytes); // WebCrypto wants a plain ArrayBuffer
    const cipher: StateCipher = {
      async encrypt(plaintext, additionalData) {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const sealed = new Uint8Array(
          await crypto.subtle.encrypt(
            { name: 'AES-GCM', iv, additionalData: copy(additionalData) },
            key,
            copy(plaintext),
          ),
        );
        return new Uint8Array([...iv, ...sealed]);
      },
      async decrypt(ciphertext, additionalData) {
        return new Uint8Array(
          await crypto.subtle.decrypt(
            { name: 'AES-GCM', iv: copy(ciphertext.subarray(0, 12)), additionalData: copy(additionalData) },
            key,
            copy(ciphertext.subarray(12)),
          ),
        );
      },
    };
    const inner = new MemoryStore();
    const store = EncryptedStore.withCipher(inner, cipher);
    await store.set('prekeys', { secret: 'x'.repeat(40) });
    expect(await store.get('prekeys')).toEqual({ secret: 'x'.repeat(40) });
    expect(await raw(inner)).not.toContain('xxxx');
    await inner.set('other', await inner.get('prekeys'));
    await expect(store.get('other')).rejects.toMatchObject({ code: 'ERR_CLIENT_LOCKED' });
  });
});
