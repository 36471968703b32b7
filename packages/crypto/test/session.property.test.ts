import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { isCryptoError } from '../src/errors.ts';
import { deterministicRng, type Rng } from '../src/random.ts';
import { acceptSession, initiateSession, Session } from '../src/session.ts';
import { ready } from '../src/sodium.ts';
import { bundleOf, establish, expectCode, flipBit, makeDevice, str, text } from './helpers.ts';

beforeAll(ready);

/** Every run gets its own reproducible randomness, so a fast-check counterexample replays exactly. */
const seeded = (seed: number): Rng => deterministicRng(`session-property-${seed}`);

function rejects(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (error) {
    if (!isCryptoError(error)) throw error;
    return true;
  }
}

interface InFlight {
  readonly bytes: Uint8Array;
  readonly text: string;
}

const command = fc.tuple(fc.constantFrom('sendA', 'sendB', 'toBob', 'toAlice'), fc.nat());

describe('pairwise properties', () => {
  // SPEC §5.5-§5.6: any delivery order within the bounds decrypts exactly once; replay is rejected.
  it('any delivery order decrypts every message exactly once, and every replay is ERR_CRYPTO_REPLAY', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(command, { maxLength: 60 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        (seed, commands, flushPicks) => {
          const rng = seeded(seed);
          const alice = makeDevice({ rng });
          const bob = makeDevice({ rng });
          const a = initiateSession(alice.identity, bundleOf(bob), { rng });
          const first = a.encrypt(text('start'));
          const { session: b } = acceptSession(bob.identity, bob.lookup, first, { rng });
          const toBob: InFlight[] = [];
          const toAlice: InFlight[] = [];
          const deliveredToBob: Uint8Array[] = [first];
          const deliveredToAlice: Uint8Array[] = [];
          let counter = 0;
          const deliver = (queue: InFlight[], pick: number, receiver: Session, log: Uint8Array[]) => {
            if (queue.length === 0) return;
            const [message] = queue.splice(pick % queue.length, 1);
            expect(str(receiver.decrypt(message!.bytes))).toBe(message!.text);
            log.push(message!.bytes);
          };
          for (const [op, pick] of commands) {
            const label = `m${counter++}`;
            if (op === 'sendA') toBob.push({ bytes: a.encrypt(text(label)), text: label });
            if (op === 'sendB') toAlice.push({ bytes: b.encrypt(text(label)), text: label });
            if (op === 'toBob') deliver(toBob, pick, b, deliveredToBob);
            if (op === 'toAlice') deliver(toAlice, pick, a, deliveredToAlice);
          }
          let i = 0;
          while (toBob.length > 0) deliver(toBob, flushPicks[i++ % flushPicks.length]!, b, deliveredToBob);
          while (toAlice.length > 0)
            deliver(toAlice, flushPicks[i++ % flushPicks.length]!, a, deliveredToAlice);
          for (const message of deliveredToBob) expectCode(() => b.decrypt(message), 'ERR_CRYPTO_REPLAY');
          for (const message of deliveredToAlice) expectCode(() => a.decrypt(message), 'ERR_CRYPTO_REPLAY');
        },
      ),
      { numRuns: 60 },
    );
  });

  // SPEC §5.3 and §4.6: the header is AEAD associated data, the body is authenticated, the prekey
  // header is bound into SK (and into a responder session), so any single bit flip is rejected.
  it('any single bit flip in a prekey or ratchet message is rejected and changes nothing', () => {
    const RATCHET_HEADER = 42;
    const PREKEY_HEADER = 1167;
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom('first', 'repeat', 'conversation'),
        fc.array(fc.tuple(fc.constantFrom<'A' | 'B'>('A', 'B'), fc.integer({ min: 1, max: 2 })), {
          maxLength: 6,
        }),
        fc.constantFrom<'A' | 'B'>('A', 'B'),
        fc.boolean(),
        fc.nat(),
        (seed, kind, script, target, headerOnly, bit) => {
          const rng = seeded(seed);
          const alice = makeDevice({ rng });
          const bob = makeDevice({ rng });
          const a = initiateSession(alice.identity, bundleOf(bob), { rng });
          const first = a.encrypt(text('eerste'));
          const repeat = a.encrypt(text('herhaling'));
          const flip = (message: Uint8Array): Uint8Array => {
            const prefix = message[1] === 0x02 ? PREKEY_HEADER + RATCHET_HEADER : RATCHET_HEADER;
            return flipBit(message, bit % ((headerOnly ? prefix : message.length) * 8));
          };
          if (kind === 'first') {
            expect(rejects(() => acceptSession(bob.identity, bob.lookup, flip(first), { rng }))).toBe(true);
            expect(str(acceptSession(bob.identity, bob.lookup, first, { rng }).plaintext)).toBe('eerste');
            return;
          }
          const { session: b } = acceptSession(bob.identity, bob.lookup, first, { rng });
          let receiver = b;
          let message = repeat;
          let expected = 'herhaling';
          if (kind === 'conversation') {
            b.decrypt(repeat);
            // In-order turns, so the target may start a new chain after earlier ones (PN matters).
            for (const [from, count] of script) {
              for (let i = 0; i < count; i++) {
                if (from === 'A') b.decrypt(a.encrypt(text('a')));
                else a.decrypt(b.encrypt(text('b')));
              }
            }
            [receiver, message] =
              target === 'A' ? [b, a.encrypt(text('doel'))] : [a, b.encrypt(text('doel'))];
            expected = 'doel';
          }
          const before = receiver.serialize();
          expect(rejects(() => receiver.decrypt(flip(message)))).toBe(true);
          expect(receiver.serialize()).toEqual(before);
          expect(str(receiver.decrypt(message))).toBe(expected);
        },
      ),
      { numRuns: 250 },
    );
  });

  // SPEC §4.3: SK and AD bind both identity keys and the responder's prekeys.
  it('a message for device X does not open on device Y of the same user', () => {
    fc.assert(
      fc.property(fc.integer(), fc.uint8Array({ maxLength: 64 }), fc.nat(5), (seed, body, later) => {
        const rng = seeded(seed);
        const alice = makeDevice({ rng });
        // Same prekey ids on both devices, so only the keys differ.
        const phone = makeDevice({ rng });
        const laptop = makeDevice({ rng });
        const toPhone = initiateSession(alice.identity, bundleOf(phone), { rng });
        const toLaptop = initiateSession(alice.identity, bundleOf(laptop), { rng });
        const firstForPhone = toPhone.encrypt(body);
        expect(rejects(() => acceptSession(laptop.identity, laptop.lookup, firstForPhone, { rng }))).toBe(
          true,
        );
        const laptopSession = acceptSession(laptop.identity, laptop.lookup, toLaptop.encrypt(body), {
          rng,
        }).session;
        const phoneSession = acceptSession(phone.identity, phone.lookup, firstForPhone, { rng }).session;
        toPhone.decrypt(phoneSession.encrypt(text('ok')));
        toLaptop.decrypt(laptopSession.encrypt(text('ok')));
        for (let i = 0; i <= later; i++) {
          const message = toPhone.encrypt(body);
          expect(rejects(() => laptopSession.decrypt(message))).toBe(true);
          expect(phoneSession.decrypt(message)).toEqual(body);
        }
      }),
      { numRuns: 40 },
    );
  });

  // SPEC §5.7: post-compromise security. Eve copies Bob's whole state at some point; once a DH
  // ratchet step has mixed in a key pair Bob made after the theft, Eve's copy is useless.
  it('after a DH ratchet step a stolen old state cannot decrypt later messages', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.tuple(fc.constantFrom<'A' | 'B'>('A', 'B'), fc.integer({ min: 1, max: 3 })), {
          maxLength: 8,
        }),
        fc.nat(),
        (seed, script, theftPick) => {
          const rng = seeded(seed);
          const { a, b } = establish(makeDevice({ rng }), makeDevice({ rng }), { rng });
          // Guarantee at least one full round trip after the theft.
          const turns = [...script, ['A', 1], ['B', 1], ['A', 2], ['B', 1], ['A', 1]] as const;
          const theftAt = theftPick % (script.length + 1);
          let stolen: Uint8Array | undefined;
          let stolenRatchetKey: Uint8Array | undefined;
          let healed = false;
          const toBob: { bytes: Uint8Array; healed: boolean }[] = [];
          turns.forEach(([from, count], index) => {
            if (index === theftAt) {
              stolen = b.serialize();
              const json = b.toJSON() as { ratchet: { sendingPublicKey: string } };
              stolenRatchetKey = Buffer.from(json.ratchet.sendingPublicKey, 'base64url');
            }
            for (let i = 0; i < count; i++) {
              if (from === 'A') {
                const bytes = a.encrypt(text(`a${index}.${i}`));
                b.decrypt(bytes);
                if (stolen !== undefined) toBob.push({ bytes, healed });
              } else {
                const bytes = b.encrypt(text(`b${index}.${i}`));
                a.decrypt(bytes);
                // Alice has now seen a Bob ratchet key that did not exist when the state was stolen.
                if (
                  stolenRatchetKey !== undefined &&
                  !Buffer.from(bytes.subarray(2, 34)).equals(stolenRatchetKey)
                ) {
                  healed = true;
                }
              }
            }
          });
          expect(healed).toBe(true);
          // Eve has every message Alice sent after the theft and Bob's stolen state, but not Bob's later randomness.
          const eve = Session.deserialize(stolen!, { rng: deterministicRng(`eve-${seed}`) });
          for (const { bytes, healed: afterHealing } of toBob) {
            const opened = !rejects(() => eve.decrypt(bytes));
            if (afterHealing) expect(opened).toBe(false);
          }
          expect(toBob.some((m) => m.healed)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });
});
