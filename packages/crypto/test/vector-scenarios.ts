/**
 * Known-answer vector scenarios (SPEC §11), shared by the generator (`generate-vectors.ts`) and
 * the test (`vectors.test.ts`). Every random byte comes from `deterministicRng(<named seed>)`, so
 * running a scenario again must reproduce the frozen wire bytes exactly; the test also feeds the
 * frozen bytes (not the fresh ones) to the receivers, so both directions are pinned.
 */
import { attachmentDescriptorToJSON, encryptAttachmentBytes } from '../src/attachments.ts';
import { fromBase64Url, fromHex, toBase64Url, toHex, utf8Decode, utf8Encode } from '../src/encoding.ts';
import { isCryptoError } from '../src/errors.ts';
import { identityFromSeed, sign, type DeviceIdentity } from '../src/identity.ts';
import { hash, kdfChain, kdfRoot, Label, prf } from '../src/kdf.ts';
import {
  bundleToJSON,
  generatePreKeys,
  preKeyLookup,
  type PreKeyBundle,
  type PreKeyBundleJSON,
  type PreKeyLookup,
} from '../src/prekeys.ts';
import { deterministicRng, type Rng } from '../src/random.ts';
import { membershipAdditionContext, signMembershipAddition } from '../src/membership.ts';
import { computeSafetyNumber } from '../src/safety-number.ts';
import { createSenderKey, InboundSenderKeys, type OutboundSenderKey } from '../src/sender-keys.ts';
import { acceptSession, initiateSession, Session } from '../src/session.ts';

export const VECTORS_VERSION = 1;

// ---- Primitive vectors --------------------------------------------------------------------------

export interface KdfVector {
  fn: 'hash' | 'prf' | 'kdfRoot' | 'kdfChain:pairwise' | 'kdfChain:group';
  label?: string;
  key?: string;
  parts: string[];
  length?: number;
  output: string;
}

export function kdfVectors(): KdfVector[] {
  const key = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');
  const part = utf8Encode('Spreekuur');
  const out: KdfVector[] = [];
  for (const label of Object.values(Label)) {
    out.push({ fn: 'hash', label, parts: [toHex(part)], length: 32, output: toHex(hash(label, [part])) });
  }
  out.push({
    fn: 'hash',
    label: Label.pqxdh,
    parts: [],
    length: 64,
    output: toHex(hash(Label.pqxdh, [], 64)),
  });
  out.push({
    fn: 'prf',
    label: Label.ratchetRoot,
    key: toHex(key),
    parts: [toHex(part), ''],
    length: 64,
    output: toHex(prf(key, Label.ratchetRoot, [part, new Uint8Array(0)], 64)),
  });
  const root = kdfRoot(key, part);
  out.push({
    fn: 'kdfRoot',
    key: toHex(key),
    parts: [toHex(part)],
    output: toHex(root.rootKey) + toHex(root.chainKey),
  });
  for (const kind of ['pairwise', 'group'] as const) {
    const step = kdfChain(key, kind);
    out.push({
      fn: `kdfChain:${kind}`,
      key: toHex(key),
      parts: [],
      output: toHex(step.messageKey) + toHex(step.chainKey),
    });
  }
  return out;
}

export interface IdentityVector {
  seed: string;
  publicKey: string;
  message: string;
  signature: string;
}

export function identityVectors(): IdentityVector[] {
  return ['alice', 'bob'].map((name) => {
    const seed = deterministicRng(`vectors/identity/${name}`).randomBytes(32);
    const identity = identityFromSeed(seed);
    const message = utf8Encode(`spreekuur/login/v1 challenge for ${name}`);
    return {
      seed: toHex(seed),
      publicKey: toHex(identity.publicKey),
      message: toHex(message),
      signature: toHex(sign(identity, message)),
    };
  });
}

// ---- Parties ------------------------------------------------------------------------------------

export interface Party {
  readonly identity: DeviceIdentity;
  readonly bundle: PreKeyBundle;
  readonly lookup: PreKeyLookup;
}

/** A device with deterministic identity and prekeys (signed 1, ML-KEM 1, one-time 100..102). */
export function party(name: string): Party {
  const identity = identityFromSeed(deterministicRng(`vectors/identity/${name}`).randomBytes(32));
  const { upload, privateKeys } = generatePreKeys(identity, {
    signedPreKeyId: 1,
    kemPreKeyId: 1,
    firstOneTimePreKeyId: 100,
    oneTimePreKeyCount: 3,
    rng: deterministicRng(`vectors/prekeys/${name}`),
  });
  return {
    identity,
    bundle: {
      identityKey: upload.identityKey,
      signedPreKey: upload.signedPreKey,
      kemPreKey: upload.kemPreKey,
      oneTimePreKey: upload.oneTimePreKeys[0],
    },
    lookup: preKeyLookup(privateKeys),
  };
}

// ---- Pairwise scenarios -------------------------------------------------------------------------

export type Who = 'alice' | 'bob';
export type PairwiseStep =
  | { op: 'encrypt'; by: Who; plaintext: string; wire?: string }
  | { op: 'decrypt'; by: Who; message: number; plaintext?: string };

export interface PairwiseScenario {
  name: string;
  oneTimePreKey: boolean;
  steps: PairwiseStep[];
}

const script = (): PairwiseStep[] => [
  { op: 'encrypt', by: 'alice', plaintext: 'Goedemorgen, mevrouw Jansen.' },
  { op: 'encrypt', by: 'alice', plaintext: 'Heeft u de brief van de gemeente al?' },
  { op: 'decrypt', by: 'bob', message: 0 },
  { op: 'decrypt', by: 'bob', message: 1 },
  { op: 'encrypt', by: 'bob', plaintext: 'Ja, ik stuur zo een foto.' },
  { op: 'encrypt', by: 'bob', plaintext: 'Moment.' },
  { op: 'decrypt', by: 'alice', message: 5 },
  { op: 'decrypt', by: 'alice', message: 4 },
  { op: 'encrypt', by: 'alice', plaintext: 'Dank u. Tot donderdag.' },
  { op: 'decrypt', by: 'bob', message: 8 },
];

export const PAIRWISE_SCENARIOS: readonly PairwiseScenario[] = [
  { name: 'pairwise-with-one-time-prekey', oneTimePreKey: true, steps: script() },
  { name: 'pairwise-without-one-time-prekey', oneTimePreKey: false, steps: script() },
];

export interface PairwiseRun {
  readonly steps: PairwiseStep[];
  readonly alice: Party;
  readonly bob: Party;
  readonly sessions: { alice: Session; bob: Session | undefined };
  readonly rngs: { alice: Rng; bob: Rng };
  /** Wire bytes of each encrypt step (fresh, or frozen when `frozen` is given). */
  readonly wires: Map<number, Uint8Array>;
}

/**
 * Run `stepsToRun` steps. With `frozen`, decrypt steps read the frozen wire bytes instead of the
 * ones just produced, which pins the receiving direction independently.
 */
export function runPairwise(
  scenario: PairwiseScenario,
  frozen?: PairwiseScenario,
  stepsToRun?: number,
): PairwiseRun {
  const alice = party('alice');
  const bob = party('bob');
  const rngs = {
    alice: deterministicRng(`vectors/${scenario.name}/alice`),
    bob: deterministicRng(`vectors/${scenario.name}/bob`),
  };
  const bundle = scenario.oneTimePreKey ? bob.bundle : { ...bob.bundle, oneTimePreKey: undefined };
  const sessions: { alice: Session; bob: Session | undefined } = {
    alice: initiateSession(alice.identity, bundle, { rng: rngs.alice }),
    bob: undefined,
  };
  const wires = new Map<number, Uint8Array>();
  const steps: PairwiseStep[] = [];
  const limit = stepsToRun ?? scenario.steps.length;
  scenario.steps.slice(0, limit).forEach((step, index) => {
    if (step.op === 'encrypt') {
      const session = step.by === 'alice' ? sessions.alice : sessions.bob!;
      const wire = session.encrypt(utf8Encode(step.plaintext));
      const frozenStep = frozen?.steps[index];
      wires.set(
        index,
        frozenStep?.op === 'encrypt' && frozenStep.wire !== undefined ? fromHex(frozenStep.wire) : wire,
      );
      steps.push({ ...step, wire: toHex(wire) });
    } else {
      const wire = wires.get(step.message)!;
      let plaintext: Uint8Array;
      if (step.by === 'bob' && sessions.bob === undefined) {
        const accepted = acceptSession(bob.identity, bob.lookup, wire, { rng: rngs.bob });
        sessions.bob = accepted.session;
        plaintext = accepted.plaintext;
      } else {
        plaintext = (step.by === 'alice' ? sessions.alice : sessions.bob!).decrypt(wire);
      }
      steps.push({ ...step, plaintext: utf8Decode(plaintext) });
    }
  });
  return { steps, alice, bob, sessions, rngs, wires };
}

// ---- Group scenario -----------------------------------------------------------------------------

export interface GroupScenario {
  name: string;
  groupId: string;
  senderId: string;
  distribution?: string;
  steps: (
    | { op: 'encrypt'; plaintext: string; wire?: string }
    | { op: 'decrypt'; message: number; plaintext?: string }
  )[];
}

export const GROUP_SCENARIO: GroupScenario = {
  name: 'group-sender-key',
  groupId: 'training:budgetcursus-2025',
  senderId: 'device:worker-1',
  steps: [
    { op: 'encrypt', plaintext: 'Welkom bij de budgetcursus.' },
    { op: 'encrypt', plaintext: 'Neem je energierekening mee.' },
    { op: 'encrypt', plaintext: 'Tot dinsdag!' },
    { op: 'decrypt', message: 2 },
    { op: 'decrypt', message: 0 },
    { op: 'decrypt', message: 1 },
  ],
};

export interface GroupRun {
  readonly scenario: GroupScenario;
  readonly sender: OutboundSenderKey;
  readonly receiver: InboundSenderKeys;
  readonly wires: Map<number, Uint8Array>;
}

export function runGroup(scenario: GroupScenario, frozen?: GroupScenario, stepsToRun?: number): GroupRun {
  const sender = createSenderKey(scenario.groupId, {
    rng: deterministicRng(`vectors/${scenario.name}/sender`),
  });
  const distribution = sender.distributionMessage();
  const receiver = new InboundSenderKeys(scenario.groupId);
  receiver.importDistribution(
    scenario.senderId,
    frozen?.distribution !== undefined ? fromHex(frozen.distribution) : distribution,
  );
  const wires = new Map<number, Uint8Array>();
  const steps: GroupScenario['steps'] = [];
  scenario.steps.slice(0, stepsToRun ?? scenario.steps.length).forEach((step, index) => {
    if (step.op === 'encrypt') {
      const wire = sender.encrypt(utf8Encode(step.plaintext));
      const frozenStep = frozen?.steps[index];
      wires.set(
        index,
        frozenStep?.op === 'encrypt' && frozenStep.wire !== undefined ? fromHex(frozenStep.wire) : wire,
      );
      steps.push({ ...step, wire: toHex(wire) });
    } else {
      const result = receiver.decrypt(wires.get(step.message)!);
      if (result.senderId !== scenario.senderId) throw new Error('sender id mismatch');
      steps.push({ ...step, plaintext: utf8Decode(result.plaintext) });
    }
  });
  return { scenario: { ...scenario, distribution: toHex(distribution), steps }, sender, receiver, wires };
}

// ---- Invalid cases ------------------------------------------------------------------------------

export type InvalidTarget =
  | { kind: 'pairwise'; scenario: string; after: number; receiver: Who }
  | { kind: 'bundle' }
  | { kind: 'group-message'; after: number }
  | { kind: 'group-distribution'; groupId: string }
  | { kind: 'attachment'; descriptor: Record<string, unknown> };

export interface InvalidCase {
  name: string;
  note: string;
  error: string;
  target: InvalidTarget;
  input: string | PreKeyBundleJSON;
}

function mutate(hex: string, edit: (bytes: Uint8Array) => Uint8Array | void): string {
  const bytes = fromHex(hex);
  return toHex(edit(bytes) ?? bytes);
}

const u32 = (bytes: Uint8Array, offset: number, value: number): void =>
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(offset, value, false);

/** Invalid cases derived from the valid ones; each note says how it was made. */
export function invalidCases(pairwise: PairwiseScenario, group: GroupScenario): InvalidCase[] {
  const wire = (i: number): string => (pairwise.steps[i] as { wire: string }).wire;
  const groupWire = (i: number): string => (group.steps[i] as { wire: string }).wire;
  const bundle = bundleToJSON(party('bob').bundle);
  const prekey = { kind: 'pairwise' as const, scenario: pairwise.name, after: 0, receiver: 'bob' as const };
  // Bob's first reply (step 4), tried by Alice after she has decrypted nothing yet (after step 4 ran).
  const reply = { kind: 'pairwise' as const, scenario: pairwise.name, after: 6, receiver: 'alice' as const };
  return [
    {
      name: 'ratchet-bad-mac',
      note: "Bob's first reply (step 4) with the last byte of the Poly1305 tag XORed with 0x01.",
      error: 'ERR_CRYPTO_BAD_MAC',
      target: reply,
      input: mutate(wire(4), (b) => void (b[b.length - 1]! ^= 0x01)),
    },
    {
      name: 'ratchet-header-tampered',
      note: 'Step 4 with PN (bytes 34..37) set to 1: the header is associated data, so the tag fails.',
      error: 'ERR_CRYPTO_BAD_MAC',
      target: reply,
      input: mutate(wire(4), (b) => u32(b, 34, 1)),
    },
    {
      name: 'ratchet-bad-version',
      note: 'Step 4 with the version byte (byte 0) set to 0x02.',
      error: 'ERR_CRYPTO_BAD_VERSION',
      target: reply,
      input: mutate(wire(4), (b) => void (b[0] = 0x02)),
    },
    {
      name: 'ratchet-truncated',
      note: 'Step 4 cut to its first 100 bytes (below the 118-byte minimum).',
      error: 'ERR_CRYPTO_BAD_LENGTH',
      target: reply,
      input: mutate(wire(4), (b) => b.subarray(0, 100)),
    },
    {
      name: 'ratchet-too-far-ahead',
      note: 'Step 4 with N (bytes 38..41) set to 1001 = MAX_SKIP + 1; refused before any key is derived.',
      error: 'ERR_CRYPTO_TOO_FAR_AHEAD',
      target: reply,
      input: mutate(wire(4), (b) => u32(b, 38, 1001)),
    },
    {
      name: 'ratchet-replay',
      note: 'Step 5 delivered to Alice a second time, after steps 6 and 7 decrypted it and step 4.',
      error: 'ERR_CRYPTO_REPLAY',
      target: { ...reply, after: 8 },
      input: wire(5),
    },
    {
      name: 'prekey-unknown-signed-prekey',
      note: 'Step 0 (prekey message) with the signed prekey id (bytes 66..69) set to 99.',
      error: 'ERR_CRYPTO_UNKNOWN_PREKEY',
      target: prekey,
      input: mutate(wire(0), (b) => u32(b, 66, 99)),
    },
    {
      name: 'prekey-low-order-base-key',
      note: 'Step 0 with the base key EK_A (bytes 34..65) replaced by 32 zero bytes (a low-order point).',
      error: 'ERR_CRYPTO_WEAK_KEY',
      target: prekey,
      input: mutate(wire(0), (b) => b.fill(0, 34, 66)),
    },
    {
      name: 'prekey-bad-flags',
      note: 'Step 0 with the flags byte (byte 74) set to 0x03: an undefined flag bit.',
      error: 'ERR_CRYPTO_BAD_FORMAT',
      target: prekey,
      input: mutate(wire(0), (b) => void (b[74] = 0x03)),
    },
    {
      name: 'prekey-kem-ciphertext-flipped',
      note: 'Step 0 with bit 0 of the ML-KEM ciphertext (byte 79) flipped: implicit rejection gives another SS.',
      error: 'ERR_CRYPTO_BAD_MAC',
      target: prekey,
      input: mutate(wire(0), (b) => void (b[79]! ^= 0x01)),
    },
    {
      name: 'bundle-bad-signed-prekey-signature',
      note: "Bob's bundle with the first byte of the signed prekey signature XORed with 0x01.",
      error: 'ERR_CRYPTO_BAD_SIGNATURE',
      target: { kind: 'bundle' },
      input: {
        ...bundle,
        signedPreKey: {
          ...bundle.signedPreKey,
          signature: toBase64Url(
            fromHex(mutate(toHex(fromBase64Url(bundle.signedPreKey.signature)), (b) => void (b[0]! ^= 1))),
          ),
        },
      },
    },
    {
      name: 'group-bad-signature',
      note: 'Group message 0 with the last signature byte XORed with 0x80.',
      error: 'ERR_CRYPTO_BAD_SIGNATURE',
      target: { kind: 'group-message', after: 3 },
      input: mutate(groupWire(0), (b) => void (b[b.length - 1]! ^= 0x80)),
    },
    {
      name: 'group-body-flipped',
      note: 'Group message 0 with one ciphertext bit flipped (byte 50): the signature covers the body.',
      error: 'ERR_CRYPTO_BAD_SIGNATURE',
      target: { kind: 'group-message', after: 3 },
      input: mutate(groupWire(0), (b) => void (b[50]! ^= 0x04)),
    },
    {
      name: 'group-unknown-sender-key',
      note: 'Group message 0 with the first byte of the key id (byte 2) XORed with 0x01.',
      error: 'ERR_CRYPTO_UNKNOWN_SENDER_KEY',
      target: { kind: 'group-message', after: 3 },
      input: mutate(groupWire(0), (b) => void (b[2]! ^= 0x01)),
    },
    {
      name: 'group-replay',
      note: 'Group message 2 delivered again after step 3 decrypted it.',
      error: 'ERR_CRYPTO_REPLAY',
      target: { kind: 'group-message', after: 4 },
      input: groupWire(2),
    },
    {
      name: 'group-distribution-wrong-group',
      note: 'The valid distribution message imported into a receiver for group "other-group".',
      error: 'ERR_CRYPTO_WRONG_GROUP',
      target: { kind: 'group-distribution', groupId: 'other-group' },
      input: group.distribution!,
    },
  ];
}

// ---- Attachments and safety numbers --------------------------------------------------------------

export interface AttachmentVector {
  note: string;
  plaintext: string;
  descriptor: Record<string, unknown>;
  ciphertext: string;
}

/**
 * Decrypt-direction only: libsodium draws the 24-byte secretstream header from its own CSPRNG,
 * which libsodium.js does not let us replace, so encryption is not reproducible byte for byte.
 * Writes version 2 (with the key commitment, SPEC §7.2); the v1 vector in vectors.json is frozen
 * from before v2 and kept as it is by the generator.
 */
export function attachmentVector(): { valid: AttachmentVector; invalid: InvalidCase[] } {
  const plaintext = deterministicRng('vectors/attachment/plaintext').randomBytes(150);
  const { ciphertext, descriptor } = encryptAttachmentBytes(plaintext, {
    chunkSize: 64,
    rng: deterministicRng('vectors/attachment/key'),
  });
  const json = attachmentDescriptorToJSON(descriptor);
  const hex = toHex(ciphertext);
  // 24-byte header, 32-byte key commitment, then chunks of 64 + 17 = 81 bytes, the last 22 + 17 = 39.
  const flippedHash = mutate(toHex(fromBase64Url(json.ciphertextHash as string)), (b) => void (b[0]! ^= 1));
  const otherKey = toBase64Url(deterministicRng('vectors/attachment/other-key').randomBytes(32));
  return {
    valid: {
      note: '150 random bytes, chunk size 64, version 2: header, key commitment, 3 chunks (64, 64, 22 bytes of plaintext).',
      plaintext: toHex(plaintext),
      descriptor: json,
      ciphertext: hex,
    },
    invalid: [
      {
        name: 'attachment-v2-truncated',
        note: 'The v2 ciphertext without its final chunk (last 39 bytes removed).',
        error: 'ERR_CRYPTO_TRUNCATED',
        target: { kind: 'attachment', descriptor: json },
        input: toHex(ciphertext.subarray(0, ciphertext.length - 39)),
      },
      {
        name: 'attachment-v2-other-key',
        note: 'The valid v2 ciphertext and hash with another key (seed vectors/attachment/other-key): the key commitment (bytes 24..55) does not match.',
        error: 'ERR_CRYPTO_BAD_MAC',
        target: { kind: 'attachment', descriptor: { ...json, key: otherKey } },
        input: hex,
      },
      {
        name: 'attachment-v2-commitment-flipped',
        note: 'The valid v2 ciphertext with bit 0 of byte 24 (the first byte of the key commitment) flipped.',
        error: 'ERR_CRYPTO_BAD_MAC',
        target: { kind: 'attachment', descriptor: json },
        input: mutate(hex, (b) => void (b[24]! ^= 1)),
      },
      {
        name: 'attachment-v2-read-as-v1',
        note: 'The valid v2 ciphertext under its descriptor with "v" set to 1: 32 bytes longer than a v1 file of this size.',
        error: 'ERR_CRYPTO_BAD_LENGTH',
        target: { kind: 'attachment', descriptor: { ...json, v: 1 } },
        input: hex,
      },
      {
        name: 'attachment-v2-hash-mismatch',
        note: 'The valid v2 ciphertext, with bit 0 of the descriptor hash flipped.',
        error: 'ERR_CRYPTO_HASH_MISMATCH',
        target: {
          kind: 'attachment',
          descriptor: { ...json, ciphertextHash: toBase64Url(fromHex(flippedHash)) },
        },
        input: hex,
      },
      {
        name: 'attachment-v2-descriptor-version',
        note: 'The valid v2 ciphertext with a descriptor whose "v" is 3.',
        error: 'ERR_CRYPTO_BAD_VERSION',
        target: { kind: 'attachment', descriptor: { ...json, v: 3 } },
        input: hex,
      },
    ],
  };
}

export interface SafetyNumberVector {
  a: { id: string; identityKey: string };
  b: { id: string; identityKey: string };
  digits: string;
  qrPayload: string;
}

export function safetyNumberVector(): SafetyNumberVector {
  const a = { id: 'device:anna-phone', identityKey: party('alice').identity.publicKey };
  const b = { id: 'device:bert-laptop', identityKey: party('bob').identity.publicKey };
  const n = computeSafetyNumber(a, b);
  return {
    a: { id: a.id, identityKey: toHex(a.identityKey) },
    b: { id: b.id, identityKey: toHex(b.identityKey) },
    digits: n.digits,
    qrPayload: toHex(n.qrPayload),
  };
}

// ---- Signed membership additions (SPEC §13.5) ----------------------------------------------------

export interface MembershipVector {
  note: string;
  actorIdentityKey: string;
  addition: {
    channelId: string;
    personId: string;
    role: 'owner' | 'moderator' | 'member';
    actorPersonId: string;
    actorDeviceId: string;
    afterSeq: number;
  };
  context: string;
  signature: string;
}

export function membershipVector(): MembershipVector {
  const actor = party('alice').identity;
  const addition = {
    channelId: 'channel:training-group',
    personId: 'person:carol',
    role: 'member' as const,
    actorPersonId: 'person:anna',
    actorDeviceId: 'device:anna-phone',
    afterSeq: 41,
  };
  return {
    note: "Alice's device (owner) adds Carol as a member after entry 41; Ed25519 is deterministic.",
    actorIdentityKey: toHex(actor.publicKey),
    addition,
    context: toHex(membershipAdditionContext(addition)),
    signature: toHex(signMembershipAddition(actor, addition)),
  };
}

// ---- Persisted state ----------------------------------------------------------------------------

export interface StateVector {
  note: string;
  /** Bob's serialized session (UTF-8 JSON) after the pairwise scenario. */
  session: string;
  /** A later message from Alice and its plaintext. */
  message: string;
  plaintext: string;
}

export function stateVector(): StateVector {
  const run = runPairwise(PAIRWISE_SCENARIOS[0]!);
  const state = run.sessions.bob!.serialize();
  const message = run.sessions.alice.encrypt(utf8Encode('Na het herstarten van de app.'));
  return {
    note: "Bob's session state v1 after 'pairwise-with-one-time-prekey'; must load and decrypt the next message forever.",
    session: utf8Decode(state),
    message: toHex(message),
    plaintext: 'Na het herstarten van de app.',
  };
}

/** The whole reproducible part of vectors.json (everything but attachments). */
export function reproducibleVectors() {
  const pairwise = PAIRWISE_SCENARIOS.map((s) => ({ ...s, steps: runPairwise(s).steps }));
  const group = runGroup(GROUP_SCENARIO).scenario;
  return {
    kdf: kdfVectors(),
    identity: identityVectors(),
    bundles: { alice: bundleToJSON(party('alice').bundle), bob: bundleToJSON(party('bob').bundle) },
    pairwise,
    group,
    safetyNumber: safetyNumberVector(),
    membership: membershipVector(),
    state: stateVector(),
    invalid: invalidCases(pairwise[0]!, group),
  };
}

export function errorCodeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (isCryptoError(error)) return error.code;
    throw error;
  }
}

export { Session };
