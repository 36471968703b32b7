import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isCryptoError } from '../src/errors.ts';
import { deterministicRng } from '../src/random.ts';
import {
  createSenderKey,
  InboundSenderKeys,
  MAX_SENDER_KEYS_PER_SENDER,
  MAX_SKIP,
  OutboundSenderKey,
  parseGroupMessage,
  parseSenderKeyDistribution,
  rotateSenderKey,
} from '../src/sender-keys.ts';
import { ready } from '../src/sodium.ts';
import { expectCode, flipBit, str, text } from './helpers.ts';

beforeAll(ready);

const GROUP = 'training:budgetcursus-2025';

function rejects(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return true;
  }
}

describe('sender keys (SPEC §6)', () => {
  it('distributes, encrypts, decrypts and reports the importing sender id', () => {
    const mine = createSenderKey(GROUP);
    const inbox = new InboundSenderKeys(GROUP);
    inbox.importDistribution('device:anna-phone', mine.distributionMessage());
    const message = mine.encrypt(text('Welkom allemaal'));
    const result = inbox.decrypt(message);
    expect(str(result.plaintext)).toBe('Welkom allemaal');
    expect(result.senderId).toBe('device:anna-phone');
    expect(result.iteration).toBe(0);
    expect(parseGroupMessage(message).keyId).toEqual(mine.keyId);
    expect(mine.iteration).toBe(1);
  });

  it('a distribution made later cannot read earlier messages (new member)', () => {
    const mine = createSenderKey(GROUP);
    const early = mine.encrypt(text('voor jouw tijd'));
    const late = new InboundSenderKeys(GROUP);
    late.importDistribution('anna', mine.distributionMessage());
    expectCode(() => late.decrypt(early), 'ERR_CRYPTO_REPLAY');
    expect(str(late.decrypt(mine.encrypt(text('nu wel'))).plaintext)).toBe('nu wel');
  });

  it('binds the group id: wrong group distributions and messages fail', () => {
    const mine = createSenderKey(GROUP);
    const other = new InboundSenderKeys('another-group');
    expectCode(() => other.importDistribution('anna', mine.distributionMessage()), 'ERR_CRYPTO_WRONG_GROUP');
    expectCode(() => other.decrypt(mine.encrypt(text('x'))), 'ERR_CRYPTO_UNKNOWN_SENDER_KEY');
    expect(parseSenderKeyDistribution(mine.distributionMessage()).groupId).toBe(GROUP);
  });

  it('signature: a member holding the chain key still cannot forge as the sender', () => {
    const rng = deterministicRng('forge');
    const sender = createSenderKey(GROUP, { rng });
    const distribution = sender.distributionMessage();
    const inbox = new InboundSenderKeys(GROUP);
    inbox.importDistribution('anna', distribution);
    // Mallory got the same distribution: she copies the chain key but has another signing key.
    const d = parseSenderKeyDistribution(distribution);
    const forgedKey = OutboundSenderKey.fromJSON({
      ...(createSenderKey(GROUP, { rng }).toJSON() as Record<string, unknown>),
      keyId: Buffer.from(d.keyId).toString('base64url'),
      chainKey: Buffer.from(d.chainKey).toString('base64url'),
    });
    expectCode(
      () => inbox.decrypt(forgedKey.encrypt(text('betaal naar NL00BANK'))),
      'ERR_CRYPTO_BAD_SIGNATURE',
    );
    expect(str(inbox.decrypt(sender.encrypt(text('echt'))).plaintext)).toBe('echt');
  });

  it('ignores a repeated import; the same key id with another signing key is a conflict', () => {
    const mine = createSenderKey(GROUP);
    const inbox = new InboundSenderKeys(GROUP);
    inbox.importDistribution('anna', mine.distributionMessage());
    mine.encrypt(text('a'));
    inbox.importDistribution('anna', mine.distributionMessage());
    expect(str(inbox.decrypt(mine.encrypt(text('b')), 'anna').plaintext)).toBe('b');
    // A distribution re-made with anna's key id but another signing key (a forgery).
    const forged = mine.distributionMessage();
    const signingKeyAt = forged.length - 2 - new TextEncoder().encode(GROUP).length - 32;
    forged.set(
      createSenderKey(GROUP)
        .distributionMessage()
        .subarray(signingKeyAt, signingKeyAt + 32),
      signingKeyAt,
    );
    expectCode(() => inbox.importDistribution('anna', forged), 'ERR_CRYPTO_KEY_CONFLICT');
  });

  it("regression: a member forwarding another member's distribution first cannot squat its key id", () => {
    const anna = createSenderKey(GROUP);
    const inbox = new InboundSenderKeys(GROUP);
    // Bert got anna's distribution as a member and forwards it to us before anna's arrives.
    inbox.importDistribution('bert', anna.distributionMessage());
    inbox.importDistribution('anna', anna.distributionMessage());
    const hello = anna.encrypt(text('hallo'));
    const result = inbox.decrypt(hello, 'anna');
    expect([result.senderId, str(result.plaintext)]).toEqual(['anna', 'hallo']);
    // Without naming the sender the key id is ambiguous now: refused rather than guessed.
    expectCode(() => inbox.decrypt(anna.encrypt(text('x'))), 'ERR_CRYPTO_KEY_CONFLICT');
    // Restored state keeps both entries apart.
    const restored = InboundSenderKeys.fromJSON(inbox.toJSON());
    expect(restored.senders().sort()).toEqual(['anna', 'bert']);
    expect(restored.hasKey(anna.keyId, 'anna')).toBe(true);
  });

  it('checks version, type and length first; too far ahead; exhaustion', () => {
    const mine = createSenderKey(GROUP);
    const inbox = new InboundSenderKeys(GROUP);
    inbox.importDistribution('anna', mine.distributionMessage());
    const message = mine.encrypt(text('x'));
    const v2 = new Uint8Array(message);
    v2[0] = 2;
    expectCode(() => inbox.decrypt(v2), 'ERR_CRYPTO_BAD_VERSION');
    expectCode(() => inbox.decrypt(message.subarray(0, 120)), 'ERR_CRYPTO_BAD_LENGTH');
    const asDistribution = new Uint8Array(message);
    asDistribution[1] = 3;
    expectCode(() => inbox.decrypt(asDistribution), 'ERR_CRYPTO_BAD_FORMAT');
    expectCode(() => inbox.importDistribution('anna', message), 'ERR_CRYPTO_BAD_FORMAT');
    const skipped = Array.from({ length: MAX_SKIP + 1 }, () => mine.encrypt(text('.')));
    expectCode(() => inbox.decrypt(mine.encrypt(text('ver'))), 'ERR_CRYPTO_TOO_FAR_AHEAD');
    expect(str(inbox.decrypt(skipped[MAX_SKIP - 1]!).plaintext)).toBe('.');
    const json = mine.toJSON() as Record<string, unknown>;
    expectCode(
      () => OutboundSenderKey.fromJSON({ ...json, iteration: 0xffff_ffff }).encrypt(text('x')),
      'ERR_CRYPTO_EXHAUSTED',
    );
    expectCode(() => createSenderKey(''), 'ERR_CRYPTO_INVALID_ARGUMENT');
    expectCode(() => createSenderKey('x'.repeat(257)), 'ERR_CRYPTO_TOO_LARGE');
  });

  it('rotation: old in-flight messages still open; older keys beyond the limit are dropped', () => {
    let mine = createSenderKey(GROUP);
    const inbox = new InboundSenderKeys(GROUP);
    inbox.importDistribution('anna', mine.distributionMessage());
    const inFlight = mine.encrypt(text('vlak voor rotatie'));
    const keys = [mine];
    for (let i = 0; i < MAX_SENDER_KEYS_PER_SENDER; i++) {
      mine = rotateSenderKey(mine);
      keys.push(mine);
      inbox.importDistribution('anna', mine.distributionMessage());
    }
    expect(mine.keyId).not.toEqual(keys[0]!.keyId);
    expect(inbox.hasKey(keys[0]!.keyId)).toBe(false);
    expectCode(() => inbox.decrypt(inFlight), 'ERR_CRYPTO_UNKNOWN_SENDER_KEY');
    expect(str(inbox.decrypt(keys[1]!.encrypt(text('oud maar bewaard'))).plaintext)).toBe('oud maar bewaard');
  });

  it('persists both sides as versioned JSON', () => {
    const mine = createSenderKey(GROUP);
    const inbox = new InboundSenderKeys(GROUP);
    inbox.importDistribution('anna', mine.distributionMessage());
    const skippedMessage = mine.encrypt(text('overgeslagen'));
    inbox.decrypt(mine.encrypt(text('eerst')));
    const restoredOut = OutboundSenderKey.deserialize(mine.serialize());
    const restoredIn = InboundSenderKeys.deserialize(inbox.serialize());
    expect(str(restoredIn.decrypt(skippedMessage).plaintext)).toBe('overgeslagen');
    expect(str(restoredIn.decrypt(restoredOut.encrypt(text('later'))).plaintext)).toBe('later');
    expect(restoredIn.senders()).toEqual(['anna']);
    expectCode(
      () => InboundSenderKeys.fromJSON({ ...(inbox.toJSON() as object), v: 7 }),
      'ERR_CRYPTO_BAD_VERSION',
    );
    expectCode(() => OutboundSenderKey.deserialize(text('[]')), 'ERR_CRYPTO_BAD_STATE');
  });
});

describe('sender-key properties', () => {
  // SPEC §6.6: any delivery order within bounds decrypts exactly once; replays are rejected.
  it('any delivery order from several senders decrypts exactly once; replays are ERR_CRYPTO_REPLAY', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 10 }),
        (seed, senders, picks) => {
          const rng = deterministicRng(`group-order-${seed}`);
          const keys = [0, 1, 2].map(() => createSenderKey(GROUP, { rng }));
          const inbox = new InboundSenderKeys(GROUP);
          keys.forEach((k, i) => inbox.importDistribution(`dev${i}`, k.distributionMessage()));
          const queue = senders.map((s, i) => ({
            bytes: keys[s]!.encrypt(text(`${s}:${i}`)),
            text: `${s}:${i}`,
            sender: `dev${s}`,
          }));
          const delivered: Uint8Array[] = [];
          let i = 0;
          while (queue.length > 0) {
            const [m] = queue.splice(picks[i++ % picks.length]! % queue.length, 1);
            const result = inbox.decrypt(m!.bytes);
            expect(str(result.plaintext)).toBe(m!.text);
            expect(result.senderId).toBe(m!.sender);
            delivered.push(m!.bytes);
          }
          for (const bytes of delivered) expectCode(() => inbox.decrypt(bytes), 'ERR_CRYPTO_REPLAY');
        },
      ),
      { numRuns: 80 },
    );
  });

  // SPEC §6.4: the signature covers header, nonce and ciphertext; a flip anywhere is rejected.
  it('any single bit flip in header, body or signature is rejected and changes nothing', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.uint8Array({ maxLength: 100 }),
        fc.nat(),
        fc.nat(3),
        (seed, body, bit, before) => {
          const rng = deterministicRng(`group-flip-${seed}`);
          const mine = createSenderKey(GROUP, { rng });
          const inbox = new InboundSenderKeys(GROUP);
          inbox.importDistribution('anna', mine.distributionMessage());
          for (let i = 0; i < before; i++) inbox.decrypt(mine.encrypt(text('.')));
          const message = mine.encrypt(body);
          const state = inbox.serialize();
          expect(rejects(() => inbox.decrypt(flipBit(message, bit % (message.length * 8))))).toBe(true);
          expect(inbox.serialize()).toEqual(state);
          expect(inbox.decrypt(message).plaintext).toEqual(body);
        },
      ),
      { numRuns: 150 },
    );
  });

  // SPEC §6.5: after removal every remaining member rotates; the removed member learns nothing new.
  it('after a member is removed and keys rotate, the removed member cannot decrypt new messages', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 3, max: 6 }),
        fc.nat(),
        fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: 5 }),
        (seed, size, removedPick, bodies) => {
          const rng = deterministicRng(`group-removal-${seed}`);
          const members = Array.from({ length: size }, (_, i) => ({
            id: `dev${i}`,
            key: createSenderKey(GROUP, { rng }),
            inbox: new InboundSenderKeys(GROUP),
          }));
          for (const m of members)
            for (const other of members)
              if (other !== m) other.inbox.importDistribution(m.id, m.key.distributionMessage());
          for (const m of members) m.key.encrypt(text('voor verwijdering'));
          const removedIndex = removedPick % size;
          const removed = members[removedIndex]!;
          const remaining = members.filter((_, i) => i !== removedIndex);
          for (const m of remaining) {
            m.inbox.removeSender(removed.id);
            m.key = rotateSenderKey(m.key, { rng });
            for (const other of remaining)
              if (other !== m) other.inbox.importDistribution(m.id, m.key.distributionMessage());
          }
          // The removed member kept its full old state (every old chain key), and its own key.
          for (const m of remaining) {
            for (const bodyBytes of bodies) {
              const message = m.key.encrypt(bodyBytes);
              expectCode(() => removed.inbox.decrypt(message), 'ERR_CRYPTO_UNKNOWN_SENDER_KEY');
              for (const other of remaining) {
                if (other !== m) expect(other.inbox.decrypt(message).plaintext).toEqual(bodyBytes);
              }
            }
          }
          // And what the removed member still sends is refused by the others.
          const fromRemoved = removed.key.encrypt(text('ik ben er nog'));
          for (const m of remaining)
            expectCode(() => m.inbox.decrypt(fromRemoved), 'ERR_CRYPTO_UNKNOWN_SENDER_KEY');
        },
      ),
      { numRuns: 40 },
    );
  });
});
