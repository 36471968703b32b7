import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { attachmentDescriptorFromJSON, decryptAttachmentBytes } from '../src/attachments.ts';
import { verifyMembershipAddition } from '../src/membership.ts';
import { fromHex, toHex, utf8Decode, utf8Encode } from '../src/encoding.ts';
import { identityFromSeed, verify } from '../src/identity.ts';
import { bundleFromJSON, verifyBundle } from '../src/prekeys.ts';
import { computeSafetyNumber } from '../src/safety-number.ts';
import { InboundSenderKeys } from '../src/sender-keys.ts';
import { acceptSession } from '../src/session.ts';
import { ready } from '../src/sodium.ts';
import {
  attachmentVector,
  errorCodeOf,
  GROUP_SCENARIO,
  PAIRWISE_SCENARIOS,
  reproducibleVectors,
  runGroup,
  runPairwise,
  Session,
  VECTORS_VERSION,
  type AttachmentVector,
  type InvalidCase,
} from './vector-scenarios.ts';

// SPEC §11: frozen known-answer vectors. If one of these fails, the wire format (or a KDF label,
// or the state format) changed: that needs a new version byte, not a regenerated file.

type Reproducible = ReturnType<typeof reproducibleVectors>;
interface VectorFile {
  version: number;
  valid: Omit<Reproducible, 'invalid'> & { attachment: AttachmentVector; attachmentV2: AttachmentVector };
  invalid: InvalidCase[];
}

const frozen = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8')) as VectorFile;
let fresh: Reproducible;

beforeAll(async () => {
  await ready();
  fresh = reproducibleVectors();
});

describe('known-answer vectors: valid', () => {
  it('has the expected version and a note for every invalid case', () => {
    expect(frozen.version).toBe(VECTORS_VERSION);
    expect(frozen.invalid.length).toBeGreaterThanOrEqual(20);
    for (const c of frozen.invalid) expect(c.note.length).toBeGreaterThan(20);
  });

  it('KDF labels and outputs are unchanged (SPEC §2)', () => {
    expect(fresh.kdf).toEqual(frozen.valid.kdf);
  });

  it('identity keys and signatures are unchanged (SPEC §3.1)', () => {
    expect(fresh.identity).toEqual(frozen.valid.identity);
    for (const v of frozen.valid.identity) {
      expect(toHex(identityFromSeed(fromHex(v.seed)).publicKey)).toBe(v.publicKey);
      expect(verify(fromHex(v.publicKey), fromHex(v.message), fromHex(v.signature))).toBe(true);
    }
  });

  it('prekey bundles are unchanged and verify (SPEC §3.2)', () => {
    expect(fresh.bundles).toEqual(frozen.valid.bundles);
    for (const json of Object.values(frozen.valid.bundles))
      expect(() => verifyBundle(bundleFromJSON(json))).not.toThrow();
  });

  for (const scenario of PAIRWISE_SCENARIOS) {
    it(`${scenario.name}: re-encryption is byte-identical and the frozen bytes decrypt (SPEC §4, §5)`, () => {
      const frozenScenario = frozen.valid.pairwise.find((s) => s.name === scenario.name)!;
      expect(fresh.pairwise.find((s) => s.name === scenario.name)).toEqual(frozenScenario);
      // Receivers fed the frozen bytes, not the fresh ones.
      const run = runPairwise(scenario, frozenScenario);
      expect(run.steps).toEqual(frozenScenario.steps);
      const decrypted = run.steps.filter((s) => s.op === 'decrypt').map((s) => s.plaintext);
      expect(decrypted).toEqual([
        'Goedemorgen, mevrouw Jansen.',
        'Heeft u de brief van de gemeente al?',
        'Moment.',
        'Ja, ik stuur zo een foto.',
        'Dank u. Tot donderdag.',
      ]);
    });
  }

  it('group sender key: byte-identical, and the frozen distribution and messages decrypt (SPEC §6)', () => {
    expect(fresh.group).toEqual(frozen.valid.group);
    const run = runGroup(GROUP_SCENARIO, frozen.valid.group);
    expect(run.scenario.steps).toEqual(frozen.valid.group.steps);
  });

  it('a persisted v1 session still loads and decrypts (SPEC §9.2)', () => {
    expect(fresh.state).toEqual(frozen.valid.state);
    const session = Session.deserialize(utf8Encode(frozen.valid.state.session));
    expect(utf8Decode(session.decrypt(fromHex(frozen.valid.state.message)))).toBe(
      frozen.valid.state.plaintext,
    );
  });

  it('safety number is unchanged (SPEC §8)', () => {
    expect(fresh.safetyNumber).toEqual(frozen.valid.safetyNumber);
    const { a, b, digits, qrPayload } = frozen.valid.safetyNumber;
    const n = computeSafetyNumber(
      { id: b.id, identityKey: fromHex(b.identityKey) },
      { id: a.id, identityKey: fromHex(a.identityKey) },
    );
    expect(n.digits).toBe(digits);
    expect(toHex(n.qrPayload)).toBe(qrPayload);
  });

  it('signed membership addition is unchanged and verifies (SPEC §13.5)', () => {
    expect(fresh.membership).toEqual(frozen.valid.membership);
    const { actorIdentityKey, addition, signature } = frozen.valid.membership;
    expect(verifyMembershipAddition(fromHex(actorIdentityKey), addition, fromHex(signature))).toBe(true);
    expect(
      verifyMembershipAddition(fromHex(actorIdentityKey), { ...addition, afterSeq: 40 }, fromHex(signature)),
    ).toBe(false);
  });

  it('attachment v1 (no key commitment): the frozen ciphertext still decrypts under its descriptor (SPEC §7)', () => {
    const v = frozen.valid.attachment;
    expect(v.descriptor.v).toBe(1);
    expect(
      toHex(decryptAttachmentBytes(fromHex(v.ciphertext), attachmentDescriptorFromJSON(v.descriptor))),
    ).toBe(v.plaintext);
  });

  it('attachment v2: the frozen ciphertext, key commitment included, decrypts under its descriptor (SPEC §7.2)', () => {
    const v = frozen.valid.attachmentV2;
    expect(v.descriptor.v).toBe(2);
    expect(
      toHex(decryptAttachmentBytes(fromHex(v.ciphertext), attachmentDescriptorFromJSON(v.descriptor))),
    ).toBe(v.plaintext);
    // The key comes from the injected rng, so it is reproducible even though the stream header is not.
    const fresh = attachmentVector().valid;
    expect(fresh.descriptor).toMatchObject({ v: 2, key: v.descriptor.key });
    expect(fresh.ciphertext.length).toBe(v.ciphertext.length);
  });
});

describe('known-answer vectors: invalid', () => {
  it('the reproducible invalid cases are unchanged', () => {
    expect(fresh.invalid).toEqual(frozen.invalid.filter((c) => c.target.kind !== 'attachment'));
  });

  for (const c of frozen.invalid) {
    it(`${c.name} → ${c.error}`, () => {
      expect(runInvalid(c)).toBe(c.error);
    });
  }
});

function runInvalid(c: InvalidCase): string | undefined {
  const target = c.target;
  switch (target.kind) {
    case 'pairwise': {
      const scenario = PAIRWISE_SCENARIOS.find((s) => s.name === target.scenario)!;
      const frozenScenario = frozen.valid.pairwise.find((s) => s.name === target.scenario)!;
      const run = runPairwise(scenario, frozenScenario, target.after);
      const input = fromHex(c.input as string);
      if (target.receiver === 'bob' && run.sessions.bob === undefined) {
        return errorCodeOf(() =>
          acceptSession(run.bob.identity, run.bob.lookup, input, { rng: run.rngs.bob }),
        );
      }
      const session = target.receiver === 'alice' ? run.sessions.alice : run.sessions.bob!;
      return errorCodeOf(() => session.decrypt(input));
    }
    case 'bundle':
      return errorCodeOf(() => verifyBundle(bundleFromJSON(c.input)));
    case 'group-message': {
      const run = runGroup(GROUP_SCENARIO, frozen.valid.group, target.after);
      return errorCodeOf(() => run.receiver.decrypt(fromHex(c.input as string)));
    }
    case 'group-distribution':
      return errorCodeOf(() =>
        new InboundSenderKeys(target.groupId).importDistribution('x', fromHex(c.input as string)),
      );
    case 'attachment':
      return errorCodeOf(() =>
        decryptAttachmentBytes(fromHex(c.input as string), attachmentDescriptorFromJSON(target.descriptor)),
      );
  }
}
