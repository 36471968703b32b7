/**
 * Round-trip suite that runs unchanged in Node (roundtrip.test.ts, under vitest) and in Chromium
 * (roundtrip.browser.test.ts, bundled by esbuild; `pnpm --filter @spreekuur/crypto test:browser`).
 * No test framework here: plain assertions, so the browser bundle stays small and honest.
 */
import {
  AttachmentDecryptor,
  AttachmentEncryptor,
  attachmentDescriptorFromJSON,
  attachmentDescriptorToJSON,
  decryptAttachmentBytes,
} from '../src/attachments.ts';
import { fromHex, toHex, utf8Decode, utf8Encode } from '../src/encoding.ts';
import { isCryptoError, type CryptoErrorCode } from '../src/errors.ts';
import { generateIdentity, identityFromSeed, sign, verify, type DeviceIdentity } from '../src/identity.ts';
import { hash, type Label } from '../src/kdf.ts';
import { generatePreKeys, preKeyLookup, type PreKeyBundle, type PreKeyLookup } from '../src/prekeys.ts';
import { computeSafetyNumber, verifySafetyNumberQr } from '../src/safety-number.ts';
import { createSenderKey, InboundSenderKeys, rotateSenderKey } from '../src/sender-keys.ts';
import { acceptSession, initiateSession, Session } from '../src/session.ts';

export interface RoundTripCase {
  readonly name: string;
  run(): void | Promise<void>;
}

/** The part of vectors.json the suite checks, so the browser proves it computes the same bytes. */
export interface FrozenSubset {
  readonly kdf: readonly { fn: string; label?: string; parts: string[]; length?: number; output: string }[];
  readonly state: { session: string; message: string; plaintext: string };
  readonly attachment: { plaintext: string; descriptor: Record<string, unknown>; ciphertext: string };
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`assertion failed: ${message}`);
}

function assertBytes(actual: Uint8Array, expected: Uint8Array, message: string): void {
  assert(actual.length === expected.length && actual.every((b, i) => b === expected[i]), message);
}

function assertCode(fn: () => unknown, code: CryptoErrorCode): void {
  try {
    fn();
  } catch (error) {
    assert(isCryptoError(error, code), `expected ${code}, got ${String(error)}`);
    return;
  }
  throw new Error(`assertion failed: expected ${code}, nothing was thrown`);
}

interface Device {
  identity: DeviceIdentity;
  lookup: PreKeyLookup;
  bundle(withOneTime: boolean): PreKeyBundle;
}

function device(): Device {
  const identity = generateIdentity();
  const { upload, privateKeys } = generatePreKeys(identity, {
    signedPreKeyId: 1,
    kemPreKeyId: 1,
    firstOneTimePreKeyId: 1,
    oneTimePreKeyCount: 2,
  });
  return {
    identity,
    lookup: preKeyLookup(privateKeys),
    bundle: (withOneTime) => ({
      identityKey: upload.identityKey,
      signedPreKey: upload.signedPreKey,
      kemPreKey: upload.kemPreKey,
      oneTimePreKey: withOneTime ? upload.oneTimePreKeys[0] : undefined,
    }),
  };
}

function conversation(withOneTime: boolean): void {
  const alice = device();
  const bob = device();
  const a = initiateSession(alice.identity, bob.bundle(withOneTime));
  const m1 = a.encrypt(utf8Encode('Goedemorgen'));
  const m2 = a.encrypt(utf8Encode('Hoe gaat het?'));
  const accepted = acceptSession(bob.identity, bob.lookup, m2);
  assert(utf8Decode(accepted.plaintext) === 'Hoe gaat het?', 'second message opens first');
  assert(accepted.usedOneTimePreKeyId === (withOneTime ? 1 : undefined), 'one-time prekey reported');
  const b = accepted.session;
  assert(utf8Decode(b.decrypt(m1)) === 'Goedemorgen', 'first message opens late');
  for (let round = 0; round < 5; round++) {
    const r1 = b.encrypt(utf8Encode(`b${round}a`));
    const r2 = b.encrypt(utf8Encode(`b${round}b`));
    assert(utf8Decode(a.decrypt(r2)) === `b${round}b`, 'reply out of order');
    assert(utf8Decode(a.decrypt(r1)) === `b${round}a`, 'reply late');
    assert(utf8Decode(b.decrypt(a.encrypt(utf8Encode(`a${round}`)))) === `a${round}`, 'answer');
  }
  assertCode(() => b.decrypt(m1), 'ERR_CRYPTO_REPLAY');
}

export function roundTripCases(frozen: FrozenSubset): RoundTripCase[] {
  return [
    {
      name: 'identity: RFC 8032 vector, sign and verify',
      run() {
        const rfc = identityFromSeed(
          fromHex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60'),
        );
        assert(
          toHex(rfc.publicKey) === 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
          'RFC 8032 key',
        );
        const id = generateIdentity();
        const challenge = utf8Encode('login challenge');
        const signature = sign(id, challenge);
        assert(verify(id.publicKey, challenge, signature), 'verifies');
        assert(!verify(id.publicKey, utf8Encode('other'), signature), 'other message fails');
      },
    },
    {
      name: 'kdf: BLAKE2b labels give the frozen outputs',
      run() {
        for (const v of frozen.kdf.filter((k) => k.fn === 'hash')) {
          const out = hash(
            v.label as Label,
            v.parts.map((p) => fromHex(p)),
            v.length,
          );
          assert(toHex(out) === v.output, `label ${v.label}`);
        }
      },
    },
    {
      name: 'pairwise: PQXDH with one-time prekey + Double Ratchet, out of order',
      run: () => conversation(true),
    },
    { name: 'pairwise: PQXDH without one-time prekey', run: () => conversation(false) },
    {
      name: 'pairwise: session state survives serialize/deserialize; frozen v1 state loads',
      run() {
        const alice = device();
        const bob = device();
        const a = initiateSession(alice.identity, bob.bundle(true));
        let b = acceptSession(bob.identity, bob.lookup, a.encrypt(utf8Encode('1'))).session;
        const reply = b.encrypt(utf8Encode('2'));
        b = Session.deserialize(b.serialize());
        const a2 = Session.deserialize(a.serialize());
        assert(utf8Decode(a2.decrypt(reply)) === '2', 'restored initiator decrypts');
        assert(utf8Decode(b.decrypt(a2.encrypt(utf8Encode('3')))) === '3', 'restored responder decrypts');
        const old = Session.deserialize(utf8Encode(frozen.state.session));
        assert(
          utf8Decode(old.decrypt(fromHex(frozen.state.message))) === frozen.state.plaintext,
          'frozen state',
        );
      },
    },
    {
      name: 'groups: sender keys for 4 members, removal and rotation',
      run() {
        const group = 'training:groep-7';
        const members = ['w', 'r1', 'r2', 'r3'].map((id) => ({
          id,
          key: createSenderKey(group),
          inbox: new InboundSenderKeys(group),
        }));
        for (const m of members)
          for (const o of members) if (o !== m) o.inbox.importDistribution(m.id, m.key.distributionMessage());
        const hello = members[0]!.key.encrypt(utf8Encode('Welkom'));
        for (const o of members.slice(1))
          assert(utf8Decode(o.inbox.decrypt(hello).plaintext) === 'Welkom', 'everyone reads');
        const [removed, ...rest] = [members[3]!, members[0]!, members[1]!, members[2]!];
        for (const m of rest) {
          m.inbox.removeSender(removed.id);
          m.key = rotateSenderKey(m.key);
          for (const o of rest) if (o !== m) o.inbox.importDistribution(m.id, m.key.distributionMessage());
        }
        const after = rest[0].key.encrypt(utf8Encode('Na de wijziging'));
        assert(
          utf8Decode(rest[1].inbox.decrypt(after).plaintext) === 'Na de wijziging',
          'remaining member reads',
        );
        assertCode(() => removed.inbox.decrypt(after), 'ERR_CRYPTO_UNKNOWN_SENDER_KEY');
        const restored = InboundSenderKeys.deserialize(rest[2].inbox.serialize());
        assert(restored.decrypt(after).senderId === rest[0].id, 'restored inbox');
      },
    },
    {
      name: 'attachments: 1 MiB streamed through async iterables; frozen vector decrypts',
      async run() {
        const size = 1024 * 1024 + 123;
        const encryptor = new AttachmentEncryptor();
        async function* source() {
          for (let offset = 0; offset < size; offset += 50_000) {
            const piece = new Uint8Array(Math.min(50_000, size - offset));
            for (let i = 0; i < piece.length; i++) piece[i] = (offset + i) % 251;
            yield piece;
          }
        }
        const ciphertext: Uint8Array[] = [];
        for await (const c of encryptor.encrypt(source())) ciphertext.push(c);
        const descriptor = attachmentDescriptorFromJSON(
          JSON.parse(JSON.stringify(attachmentDescriptorToJSON(encryptor.descriptor))),
        );
        const decryptor = new AttachmentDecryptor(descriptor);
        let offset = 0;
        for await (const piece of decryptor.decrypt(ciphertext)) {
          for (let i = 0; i < piece.length; i++) assert(piece[i] === (offset + i) % 251, 'plaintext byte');
          offset += piece.length;
        }
        assert(offset === size, 'size');
        const v = frozen.attachment;
        assertBytes(
          decryptAttachmentBytes(fromHex(v.ciphertext), attachmentDescriptorFromJSON(v.descriptor)),
          fromHex(v.plaintext),
          'frozen attachment',
        );
      },
    },
    {
      name: 'safety number: same 60 digits and QR on both sides',
      run() {
        const a = { id: 'anna', identityKey: generateIdentity().publicKey };
        const b = { id: 'bert', identityKey: generateIdentity().publicKey };
        const mine = computeSafetyNumber(a, b);
        const theirs = computeSafetyNumber(b, a);
        assert(mine.digits === theirs.digits && /^\d{60}$/.test(mine.digits), 'digits');
        assert(verifySafetyNumberQr(theirs.qrPayload, mine), 'QR');
      },
    },
  ];
}
