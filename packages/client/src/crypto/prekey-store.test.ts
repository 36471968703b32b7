import { beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url, utf8Decode, utf8Encode } from '@spreekuur/crypto/encoding';
import { generateIdentity } from '@spreekuur/crypto/identity';
import { ready } from '@spreekuur/crypto/ready';
import { MemoryStore } from '../storage/key-value-store.ts';
import { PairwiseSessions } from './pairwise-sessions.ts';
import { PREKEY_GRACE_MS, PREKEY_ROTATION_MS, PrekeyStore } from './prekey-store.ts';

beforeAll(() => ready());

const day = 24 * 3600_000;

async function device() {
  const store = new MemoryStore();
  const identity = generateIdentity();
  const created = await PrekeyStore.create(store, identity);
  const deviceId = crypto.randomUUID();
  const sessions = new PairwiseSessions(store, identity, created.prekeys);
  const bundle = (signed: typeof created.signed, oneTime = created.oneTime.shift()!) => ({
    deviceId,
    personId: crypto.randomUUID(),
    identityKey: toBase64Url(identity.publicKey),
    ...signed,
    oneTimePrekey: oneTime,
  });
  return { store, identity, deviceId, sessions, prekeys: created.prekeys, signed: created.signed, bundle };
}

describe('prekey rotation (SPEC §3.2)', () => {
  it('rotates weekly, keeps old sessions and late first messages working during the grace period, then forgets', async () => {
    const bob = await device();
    const [alice, carol] = [await device(), await device()];
    const start = Date.now();
    // Not due yet: nothing to publish.
    expect(await bob.prekeys.rotateIfDue(bob.identity, start + day)).toBeNull();

    // Alice has a session; Carol has only fetched the old bundle and writes later.
    await alice.sessions.start(bob.bundle(bob.signed), toBase64Url(bob.identity.publicKey));
    const hello = await alice.sessions.encrypt(bob.deviceId, utf8Encode('hallo'));
    await bob.sessions.decrypt(alice.deviceId, alice.identity.publicKey, hello);
    await carol.sessions.start(bob.bundle(bob.signed), toBase64Url(bob.identity.publicKey));
    const late = await carol.sessions.encrypt(bob.deviceId, utf8Encode('laat'));

    const rotated = await bob.prekeys.rotateIfDue(bob.identity, start + PREKEY_ROTATION_MS);
    expect([rotated?.signedPrekey.id, rotated?.kemPrekey.id]).toEqual([2, 2]);
    await bob.prekeys.published();
    expect(bob.prekeys.signedPrekeyIds()).toEqual([2, 1]);
    expect(await bob.prekeys.rotateIfDue(bob.identity, start + PREKEY_ROTATION_MS + day)).toBeNull();
    // Kept across a restart.
    expect((await PrekeyStore.load(bob.store))!.signedPrekeyIds()).toEqual([2, 1]);

    // The old session goes on; the late first message under the old prekey still opens.
    const reply = await bob.sessions.encrypt(alice.deviceId, utf8Encode('terug'));
    expect(utf8Decode(await alice.sessions.decrypt(bob.deviceId, bob.identity.publicKey, reply))).toBe(
      'terug',
    );
    expect(utf8Decode(await bob.sessions.decrypt(carol.deviceId, carol.identity.publicKey, late))).toBe(
      'laat',
    );

    // A new session from the new bundle works too.
    const dave = await device();
    await dave.sessions.start(bob.bundle(rotated!), toBase64Url(bob.identity.publicKey));
    const fresh = await dave.sessions.encrypt(bob.deviceId, utf8Encode('nieuw'));
    expect(utf8Decode(await bob.sessions.decrypt(dave.deviceId, dave.identity.publicKey, fresh))).toBe(
      'nieuw',
    );

    // After the grace period the replaced prekey is gone: a first message made with it is refused.
    const erin = await device();
    await erin.sessions.start(bob.bundle(bob.signed), toBase64Url(bob.identity.publicKey));
    const tooLate = await erin.sessions.encrypt(bob.deviceId, utf8Encode('te laat'));
    const later = start + PREKEY_ROTATION_MS + PREKEY_GRACE_MS;
    expect((await bob.prekeys.rotateIfDue(bob.identity, later))?.signedPrekey.id).toBe(3);
    expect(bob.prekeys.signedPrekeyIds()).toEqual([3, 2]);
    await expect(bob.sessions.decrypt(erin.deviceId, erin.identity.publicKey, tooLate)).rejects.toMatchObject(
      {
        code: 'ERR_CRYPTO_UNKNOWN_PREKEY',
      },
    );
    // Until published, the new pair is offered again (an upload that failed is retried).
    expect((await bob.prekeys.rotateIfDue(bob.identity, later + day))?.signedPrekey.id).toBe(3);
  });
});
