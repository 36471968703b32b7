import { beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../src/identity.ts';
import { kemPreKeyContext, signedPreKeyContext, type PreKeyBundle } from '../src/prekeys.ts';
import { deterministicRng } from '../src/random.ts';
import {
  acceptSession,
  initiateSession,
  MAX_SKIP,
  MAX_SKIPPED_KEYS,
  pairwiseMessageKind,
  parsePreKeyMessage,
  Session,
} from '../src/session.ts';
import { ready } from '../src/sodium.ts';
import { bundleOf, establish, expectCode, flipBit, makeDevice, str, text } from './helpers.ts';

beforeAll(ready);

// Offsets of the prekey message (SPEC §4.5).
const BASE_KEY_OFFSET = 34;
const IDENTITY_OFFSET = 2;

describe('PQXDH session setup (SPEC §4)', () => {
  it('works with a one-time prekey and reports it as used', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const a = initiateSession(alice.identity, bundleOf(bob, 1));
    expect(a.awaitingReply).toBe(true);
    const first = a.encrypt(text('Goedemiddag'));
    expect(pairwiseMessageKind(first)).toBe('prekey');
    const info = parsePreKeyMessage(first);
    expect(info.initiatorIdentityKey).toEqual(alice.identity.publicKey);
    expect(info.oneTimePreKeyId).toBe(101);
    expect(info.baseKey).toEqual(a.sessionId);
    const accepted = acceptSession(bob.identity, bob.lookup, first);
    expect(str(accepted.plaintext)).toBe('Goedemiddag');
    expect(accepted.usedOneTimePreKeyId).toBe(101);
    expect(accepted.session.sessionId).toEqual(a.sessionId);
    expect(accepted.session.remoteIdentityKey).toEqual(alice.identity.publicKey);
    expect(accepted.session.role).toBe('responder');
  });

  it('works without a one-time prekey', () => {
    const alice = makeDevice();
    const bob = makeDevice({ oneTimePreKeys: 0 });
    const a = initiateSession(alice.identity, bundleOf(bob, null));
    const first = a.encrypt(text('zonder'));
    expect(parsePreKeyMessage(first).oneTimePreKeyId).toBeUndefined();
    const accepted = acceptSession(bob.identity, bob.lookup, first);
    expect(str(accepted.plaintext)).toBe('zonder');
    expect(accepted.usedOneTimePreKeyId).toBeUndefined();
    const reply = accepted.session.encrypt(text('ok'));
    expect(str(a.decrypt(reply))).toBe('ok');
  });

  it('a consumed one-time prekey cannot be used again (replayed first message)', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const first = initiateSession(alice.identity, bundleOf(bob)).encrypt(text('één keer'));
    const accepted = acceptSession(bob.identity, bob.lookup, first);
    const remaining = {
      ...bob.privateKeys,
      oneTimePreKeys: bob.privateKeys.oneTimePreKeys.filter((k) => k.id !== accepted.usedOneTimePreKeyId),
    };
    const lookup = {
      ...bob.lookup,
      oneTimePreKey: (id: number) => remaining.oneTimePreKeys.find((k) => k.id === id),
    };
    expectCode(() => acceptSession(bob.identity, lookup, first), 'ERR_CRYPTO_UNKNOWN_PREKEY');
  });

  it('keeps sending prekey messages until the responder answers; the responder accepts the repeats', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const a = initiateSession(alice.identity, bundleOf(bob));
    const m1 = a.encrypt(text('1'));
    const m2 = a.encrypt(text('2'));
    expect(pairwiseMessageKind(m2)).toBe('prekey');
    const { session: b } = acceptSession(bob.identity, bob.lookup, m1);
    expect(str(b.decrypt(m2))).toBe('2');
    expect(str(a.decrypt(b.encrypt(text('3'))))).toBe('3');
    expect(a.awaitingReply).toBe(false);
    expect(pairwiseMessageKind(a.encrypt(text('4')))).toBe('message');
  });

  it('refuses low-order and invalid keys (ERR_CRYPTO_WEAK_KEY)', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const first = initiateSession(alice.identity, bundleOf(bob)).encrypt(text('x'));
    const p = 2n ** 255n - 19n;
    const lowOrder = [
      0n,
      1n,
      p - 1n,
      p,
      p + 1n,
      325606250916557431795983626356110631294008115727848805560023387167927233504n,
    ];
    for (const u of lowOrder) {
      const forged = new Uint8Array(first);
      forged.set(littleEndian(u), BASE_KEY_OFFSET);
      expectCode(() => acceptSession(bob.identity, bob.lookup, forged), 'ERR_CRYPTO_WEAK_KEY');
    }
    // A low-order signed prekey, even correctly signed by its owner, is refused by the initiator.
    const good = bundleOf(bob);
    const zero = new Uint8Array(32);
    const bad: PreKeyBundle = {
      ...good,
      signedPreKey: { id: 7, publicKey: zero, signature: sign(bob.identity, signedPreKeyContext(7, zero)) },
    };
    expectCode(() => initiateSession(alice.identity, bad), 'ERR_CRYPTO_WEAK_KEY');
    // A correctly signed but malformed ML-KEM key (coefficients out of range) fails the FIPS 203 check.
    const junk = new Uint8Array(1184).fill(0xff);
    const badKem: PreKeyBundle = {
      ...good,
      kemPreKey: { id: 8, publicKey: junk, signature: sign(bob.identity, kemPreKeyContext(8, junk)) },
    };
    expectCode(() => initiateSession(alice.identity, badKem), 'ERR_CRYPTO_WEAK_KEY');
    // An initiator identity key that is not a curve point.
    const forgedId = new Uint8Array(first);
    forgedId.set(new Uint8Array(32).fill(0xff), IDENTITY_OFFSET);
    expectCode(() => acceptSession(bob.identity, bob.lookup, forgedId), 'ERR_CRYPTO_WEAK_KEY');
  });

  it('authenticates the top bit of X25519 keys, which X25519 itself ignores', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const a = initiateSession(alice.identity, bundleOf(bob));
    const first = a.encrypt(text('x'));
    // Base key, last byte, bit 7: the DH outputs are unchanged, only the transcript in SK differs.
    expectCode(
      () => acceptSession(bob.identity, bob.lookup, flipBit(first, 8 * (BASE_KEY_OFFSET + 31) + 7)),
      'ERR_CRYPTO_BAD_MAC',
    );
    const { session: b } = acceptSession(bob.identity, bob.lookup, first);
    const reply = b.encrypt(text('y'));
    // Ratchet key in a message that starts a new chain: same DH, but the header is associated data.
    expectCode(() => a.decrypt(flipBit(reply, 8 * 33 + 7)), 'ERR_CRYPTO_BAD_MAC');
    expect(str(a.decrypt(reply))).toBe('y');
  });

  it('a message claiming the signed prekey as its ratchet key is rejected cleanly', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const { a, b } = establish(alice, bob);
    const reply = b.encrypt(text('y'));
    const forged = new Uint8Array(reply);
    forged.set(bob.upload.signedPreKey.publicKey, 2);
    expectCode(() => a.decrypt(forged), 'ERR_CRYPTO_BAD_MAC');
    expect(str(a.decrypt(reply))).toBe('y');
  });

  it('names unknown prekey ids before doing any DH', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const first = initiateSession(alice.identity, bundleOf(bob)).encrypt(text('x'));
    const empty = {
      signedPreKey: () => undefined,
      kemPreKey: () => undefined,
      oneTimePreKey: () => undefined,
    };
    expectCode(() => acceptSession(bob.identity, empty, first), 'ERR_CRYPTO_UNKNOWN_PREKEY');
  });

  it('checks version, type and length before any crypto', () => {
    const { a, b } = establish(makeDevice(), makeDevice());
    const reply = b.encrypt(text('x'));
    const v2 = new Uint8Array(reply);
    v2[0] = 2;
    expectCode(() => a.decrypt(v2), 'ERR_CRYPTO_BAD_VERSION');
    const wrongType = new Uint8Array(reply);
    wrongType[1] = 4;
    expectCode(() => a.decrypt(wrongType), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => a.decrypt(reply.subarray(0, 100)), 'ERR_CRYPTO_BAD_LENGTH');
    expectCode(() => a.decrypt(new Uint8Array(0)), 'ERR_CRYPTO_BAD_LENGTH');
    expectCode(() => a.encrypt(new Uint8Array(256 * 1024 + 1)), 'ERR_CRYPTO_TOO_LARGE');
    expect(str(a.decrypt(reply))).toBe('x');
  });

  it('a forged message changes nothing (transactional decrypt)', () => {
    const { a, b } = establish(makeDevice(), makeDevice());
    const m1 = b.encrypt(text('een'));
    const m2 = b.encrypt(text('twee'));
    // Forge m2 with a large n: MAC fails, and no skipped keys may be stored.
    expectCode(() => a.decrypt(flipBit(m2, 8 * (m2.length - 1))), 'ERR_CRYPTO_BAD_MAC');
    const before = a.serialize();
    expectCode(() => a.decrypt(flipBit(m1, 8 * 40)), 'ERR_CRYPTO_BAD_MAC');
    expect(a.serialize()).toEqual(before);
    expect(str(a.decrypt(m1))).toBe('een');
    expect(str(a.decrypt(m2))).toBe('twee');
  });

  it('refuses a message more than MAX_SKIP ahead, accepts exactly MAX_SKIP ahead', () => {
    const { a, b } = establish(makeDevice(), makeDevice());
    const messages = Array.from({ length: MAX_SKIP + 2 }, (_, i) => b.encrypt(text(`m${i}`)));
    expectCode(() => a.decrypt(messages[MAX_SKIP + 1]!), 'ERR_CRYPTO_TOO_FAR_AHEAD');
    expect(str(a.decrypt(messages[MAX_SKIP]!))).toBe(`m${MAX_SKIP}`);
    expect(str(a.decrypt(messages[0]!))).toBe('m0');
    expect(str(a.decrypt(messages[MAX_SKIP + 1]!))).toBe(`m${MAX_SKIP + 1}`);
    expectCode(() => a.decrypt(messages[0]!), 'ERR_CRYPTO_REPLAY');
  });

  it(`keeps at most MAX_SKIPPED_KEYS (${MAX_SKIPPED_KEYS}) skipped keys, evicting the oldest`, () => {
    const { a, b } = establish(makeDevice(), makeDevice());
    const firstChain: Uint8Array[] = [];
    // Three chains from Bob, each time only the last message of 1001 delivered: 3000 skipped keys.
    for (let chain = 0; chain < 3; chain++) {
      const batch = Array.from({ length: MAX_SKIP + 1 }, (_, i) => b.encrypt(text(`${chain}/${i}`)));
      if (chain === 0) firstChain.push(...batch);
      expect(str(a.decrypt(batch[MAX_SKIP]!))).toBe(`${chain}/${MAX_SKIP}`);
      expect(str(b.decrypt(a.encrypt(text('ack'))))).toBe('ack');
    }
    const state = a.toJSON() as { ratchet: { skipped: unknown[] } };
    expect(state.ratchet.skipped.length).toBe(MAX_SKIPPED_KEYS);
    // The oldest keys (first chain) were evicted: such a message now reads as a replay.
    expectCode(() => a.decrypt(firstChain[0]!), 'ERR_CRYPTO_REPLAY');
  });

  it('persists as versioned JSON-safe bytes, mid-conversation with skipped keys', () => {
    const rng = deterministicRng('persist');
    const { a, b } = establish(makeDevice({ rng }), makeDevice({ rng }), { rng });
    const late = b.encrypt(text('laat'));
    const now = b.encrypt(text('nu'));
    expect(str(a.decrypt(now))).toBe('nu');
    const bytes = a.serialize();
    const json = JSON.parse(new TextDecoder().decode(bytes)) as { v: number; kind: string };
    expect(json.v).toBe(1);
    expect(json.kind).toBe('spreekuur/session');
    const restored = Session.deserialize(bytes);
    expect(str(restored.decrypt(late))).toBe('laat');
    expect(str(b.decrypt(restored.encrypt(text('terug'))))).toBe('terug');
    expect(Session.fromJSON(JSON.parse(JSON.stringify(b.toJSON()))).serialize()).toEqual(b.serialize());
  });

  it('rejects malformed or foreign state', () => {
    const { a } = establish(makeDevice(), makeDevice());
    const json = a.toJSON() as Record<string, unknown> & { ratchet: Record<string, unknown> };
    expectCode(() => Session.fromJSON({ ...json, v: 2 }), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => Session.fromJSON({ ...json, kind: 'spreekuur/identity' }), 'ERR_CRYPTO_BAD_STATE');
    expectCode(() => Session.fromJSON({ ...json, role: 'both' }), 'ERR_CRYPTO_BAD_STATE');
    const other = establish(makeDevice(), makeDevice()).a.toJSON() as typeof json;
    const spliced = {
      ...json,
      ratchet: { ...json.ratchet, sendingSecretKey: other.ratchet.sendingSecretKey },
    };
    expectCode(() => Session.fromJSON(spliced), 'ERR_CRYPTO_BAD_STATE');
    expectCode(() => Session.deserialize(text('not json')), 'ERR_CRYPTO_BAD_STATE');
    const exhausted = { ...json, ratchet: { ...json.ratchet, sendCount: 0xffff_ffff } };
    expectCode(() => Session.fromJSON(exhausted).encrypt(text('x')), 'ERR_CRYPTO_EXHAUSTED');
  });

  it('a prekey message of another session is ERR_CRYPTO_SESSION_MISMATCH (e.g. simultaneous start)', () => {
    const alice = makeDevice();
    const bob = makeDevice();
    const { a, b } = establish(alice, bob);
    const second = initiateSession(alice.identity, bundleOf(bob, 1)).encrypt(text('nieuw'));
    expectCode(() => b.decrypt(second), 'ERR_CRYPTO_SESSION_MISMATCH');
    const fromBob = initiateSession(bob.identity, bundleOf(alice)).encrypt(text('ook nieuw'));
    expectCode(() => a.decrypt(fromBob), 'ERR_CRYPTO_SESSION_MISMATCH');
    // The SDK then accepts it as a new session.
    expect(str(acceptSession(bob.identity, bob.lookup, second).plaintext)).toBe('nieuw');
  });
});

function littleEndian(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
