import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url, utf8Decode, utf8Encode } from '@spreekuur/crypto/encoding';
import { isCryptoError } from '@spreekuur/crypto/errors';
import { generateIdentity } from '@spreekuur/crypto/identity';
import { deterministicRng } from '@spreekuur/crypto/random';
import { ready } from '@spreekuur/crypto/ready';
import { MemoryStore, type KeyValueStore } from '../storage/key-value-store.ts';
import { PairwiseSessions } from './pairwise-sessions.ts';
import { PrekeyStore } from './prekey-store.ts';

beforeAll(() => ready());

/** A store whose every read and write waits a random short while: any interleaving can happen. */
function slowStore(seed: string): KeyValueStore {
  const inner = new MemoryStore();
  const rng = deterministicRng(seed);
  const pause = () => new Promise((resolve) => setTimeout(resolve, rng.randomBytes(1)[0]! % 3));
  return {
    get: async (key) => (await pause(), inner.get(key)),
    set: async (key, value) => (await pause(), inner.set(key, value)),
    delete: async (key) => (await pause(), inner.delete(key)),
    keys: async (prefix) => (await pause(), inner.keys(prefix)),
  };
}

async function device(seed: string, { slow = true } = {}) {
  const store = slow ? slowStore(seed) : new MemoryStore();
  const identity = generateIdentity();
  const created = await PrekeyStore.create(store, identity);
  const deviceId = crypto.randomUUID();
  const bundle = {
    deviceId,
    personId: crypto.randomUUID(),
    identityKey: toBase64Url(identity.publicKey),
    ...created.signed,
    oneTimePrekey: created.oneTime[0]!,
  };
  return { deviceId, identity, bundle, sessions: new PairwiseSessions(store, identity, created.prekeys) };
}

describe('PairwiseSessions', () => {
  it('regression: concurrent sending and receiving with one device never loses or repeats a message key', async () => {
    for (let round = 0; round < 12; round++) {
      const alice = await device(`alice-${round}`);
      const bob = await device(`bob-${round}`);
      await alice.sessions.start(bob.bundle, bob.bundle.identityKey);
      const first = await alice.sessions.encrypt(bob.deviceId, utf8Encode('hallo'));
      await bob.sessions.decrypt(alice.deviceId, alice.identity.publicKey, first);
      const fromBob: Uint8Array[] = [];
      for (let i = 0; i < 6; i++)
        fromBob.push(await bob.sessions.encrypt(alice.deviceId, utf8Encode(`b${i}`)));

      // Alice's outbox and inbox at once: six sends and six receipts, all interleaved.
      const sends = Array.from({ length: 6 }, (_, i) =>
        alice.sessions.encrypt(bob.deviceId, utf8Encode(`a${i}`)),
      );
      const reads = fromBob.map((message) =>
        alice.sessions.decrypt(bob.deviceId, bob.identity.publicKey, message),
      );
      const [sent, read] = await Promise.all([Promise.all(sends), Promise.all(reads)]);
      expect(read.map(utf8Decode)).toEqual(['b0', 'b1', 'b2', 'b3', 'b4', 'b5']);

      // Every message Alice sent opens at Bob (none reuses a key, so none reads as a replay).
      const opened = [];
      for (const message of sent)
        opened.push(
          utf8Decode(await bob.sessions.decrypt(alice.deviceId, alice.identity.publicKey, message)),
        );
      expect(opened.sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5']);

      // And nothing Alice already read decrypts again (no state from before a decryption was saved).
      for (const message of fromBob) {
        const again = await alice.sessions.decrypt(bob.deviceId, bob.identity.publicKey, message).then(
          () => 'decrypted',
          (error: unknown) => (isCryptoError(error) ? error.code : 'other'),
        );
        expect(again).toBe('ERR_CRYPTO_REPLAY');
      }
    }
  });

  it('falls back to an older session when the newest reads the message as too far ahead, not only as altered', async () => {
    const alice = await device('alice-far', { slow: false });
    const bob = await device('bob-far', { slow: false });
    const read = async (message: Uint8Array) =>
      utf8Decode(await bob.sessions.decrypt(alice.deviceId, alice.identity.publicKey, message));
    // Session S2, started by Alice and answered by Bob, so Alice's next chain sends plain ratchet messages.
    await alice.sessions.start(bob.bundle, bob.bundle.identityKey);
    expect(await read(await alice.sessions.encrypt(bob.deviceId, utf8Encode('start')))).toBe('start');
    const reply = await bob.sessions.encrypt(alice.deviceId, utf8Encode('antwoord'));
    await alice.sessions.decrypt(bob.deviceId, bob.identity.publicKey, reply);
    const chain: Uint8Array[] = [];
    for (let i = 0; i <= 1005; i++)
      chain.push(await alice.sessions.encrypt(bob.deviceId, utf8Encode(`c${i}`)));
    expect(await read(chain[0]!)).toBe('c0');
    expect(await read(chain[1000]!)).toBe('c1000');
    // Bob starts a session of his own (as in a simultaneous start): it is now the first one he tries.
    await bob.sessions.start(alice.bundle, alice.bundle.identityKey);
    // Under the new session c1005 is a ratchet step 1005 ahead (TOO_FAR_AHEAD); the old session reads it.
    expect(await read(chain[1005]!)).toBe('c1005');
    expect(await read(chain[3]!)).toBe('c3');
  });
});
