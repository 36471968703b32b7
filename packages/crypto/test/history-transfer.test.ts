import { beforeAll, describe, expect, it } from 'vitest';
import { ByteWriter } from '../src/bytes.ts';
import { isCryptoError } from '../src/errors.ts';
import { fromHex, toHex, utf8Encode } from '../src/encoding.ts';
import {
  MAX_HISTORY_TRANSFER_BYTES,
  openHistoryTransfer,
  sealHistoryTransfer,
  type HistoryTransferContext,
} from '../src/history-transfer.ts';
import { generateIdentity, sign, type DeviceIdentity } from '../src/identity.ts';
import { encodeContext, Label } from '../src/kdf.ts';
import { deterministicRng } from '../src/random.ts';
import { ready } from '../src/ready.ts';

beforeAll(() => ready());

/** 2026-12-04T12:00:00Z: a time beyond 2^32 ms, so both halves of the u64 are used. */
const CREATED_AT = 1_796_385_600_000;
const plaintext = utf8Encode('{"format":"spreekuur.history-transfer.v1","entries":{}}');

function devices(seed: string) {
  const rng = deterministicRng(seed);
  const phone = generateIdentity({ rng });
  const tablet = generateIdentity({ rng });
  const laptop = generateIdentity({ rng });
  const context: HistoryTransferContext = {
    personId: 'person-jan',
    fromDeviceId: 'jan-phone',
    fromIdentityKey: phone.publicKey,
    toDeviceId: 'jan-tablet',
    toIdentityKey: tablet.publicKey,
  };
  return { rng, phone, tablet, laptop, context };
}

const code = (run: () => unknown): string | null => {
  try {
    run();
    return null;
  } catch (error) {
    return isCryptoError(error) ? error.code : `not a CryptoError: ${String(error)}`;
  }
};

// SPEC §15.2: sealed to the new device, signed by the old, bound to person, devices and time.
describe('history transfer', () => {
  it('is reproducible from deterministicRng (known answer) and opens on the new device only', () => {
    const { rng, phone, tablet, laptop, context } = devices('history-transfer');
    const wire = sealHistoryTransfer(phone, context, plaintext, { createdAt: CREATED_AT, rng });
    expect(toHex(wire)).toBe(KNOWN_ANSWER);
    expect(wire.length).toBe(66 + 64 + plaintext.length + 16);
    const opened = openHistoryTransfer(tablet, context, fromHex(KNOWN_ANSWER));
    expect(opened.plaintext).toEqual(plaintext);
    expect(opened.createdAt).toBe(CREATED_AT);
    // Another device (copied there by the server) cannot open it, whatever context it claims.
    expect(
      code(() => openHistoryTransfer(laptop, { ...context, toIdentityKey: laptop.publicKey }, wire)),
    ).toBe('ERR_CRYPTO_BAD_SIGNATURE');
    expect(
      code(() =>
        openHistoryTransfer(
          laptop,
          { ...context, toDeviceId: 'jan-laptop', toIdentityKey: laptop.publicKey },
          wire,
        ),
      ),
    ).toBe('ERR_CRYPTO_BAD_SIGNATURE');
  });

  it('refuses every change to the context: person, either device id or key', () => {
    const { phone, tablet, laptop, context } = devices('history-transfer-context');
    const wire = sealHistoryTransfer(phone, context, plaintext);
    const stranger = generateIdentity({ rng: deterministicRng('stranger') });
    for (const changed of [
      { personId: 'person-eve' },
      { fromDeviceId: 'jan-laptop' },
      { fromIdentityKey: laptop.publicKey },
      { fromIdentityKey: stranger.publicKey },
      { toDeviceId: 'jan-laptop' },
    ])
      expect(
        code(() => openHistoryTransfer(tablet, { ...context, ...changed }, wire)),
        JSON.stringify(Object.keys(changed)),
      ).toBe('ERR_CRYPTO_BAD_SIGNATURE');
    // The right recipient with its own key passed as someone else's: a programming error.
    expect(
      code(() => openHistoryTransfer(tablet, { ...context, toIdentityKey: laptop.publicKey }, wire)),
    ).toBe('ERR_CRYPTO_INVALID_ARGUMENT');
  });

  it('refuses a changed byte anywhere: version, type, time, ephemeral key, nonce, signature, ciphertext, tag', () => {
    const { phone, tablet, context } = devices('history-transfer-bytes');
    const wire = sealHistoryTransfer(phone, context, plaintext, { createdAt: CREATED_AT });
    // Byte 2 is the top of the time: flipped, it is past what a number holds exactly.
    const expected: Record<number, string> = {
      0: 'ERR_CRYPTO_BAD_VERSION',
      1: 'ERR_CRYPTO_BAD_FORMAT',
      2: 'ERR_CRYPTO_BAD_FORMAT',
    };
    for (const index of [0, 1, 2, 9, 10, 41, 42, 65, 66, 129, 130, wire.length - 17, wire.length - 1]) {
      const tampered = wire.slice();
      tampered[index]! ^= 0x01;
      expect(
        code(() => openHistoryTransfer(tablet, context, tampered)),
        `byte ${index}`,
      ).toBe(expected[index] ?? 'ERR_CRYPTO_BAD_SIGNATURE');
    }
    expect(code(() => openHistoryTransfer(tablet, context, wire.subarray(0, 66 + 64 + 15)))).toBe(
      'ERR_CRYPTO_BAD_LENGTH',
    );
    expect(code(() => openHistoryTransfer(tablet, context, new Uint8Array(0)))).toBe('ERR_CRYPTO_BAD_LENGTH');
  });

  it('a transfer re-signed by another device of the person does not open as its own', () => {
    // The server swaps the signature for one of a device it controls and names that device as
    // the sender: the signature then checks, but the AEAD is bound to the original sender.
    const { phone, tablet, laptop, context } = devices('history-transfer-resign');
    const wire = sealHistoryTransfer(phone, context, plaintext, { createdAt: CREATED_AT });
    const asLaptop = { ...context, fromDeviceId: 'jan-laptop', fromIdentityKey: laptop.publicKey };
    // Rebuild what the laptop would have signed over the same header and ciphertext.
    const forged = resign(wire, laptop, asLaptop);
    expect(code(() => openHistoryTransfer(tablet, asLaptop, forged))).toBe('ERR_CRYPTO_BAD_MAC');
    expect(code(() => openHistoryTransfer(tablet, context, forged))).toBe('ERR_CRYPTO_BAD_SIGNATURE');
  });

  it('refuses a sender that is not the context’s device, and oversized input, before any work', () => {
    const { phone, tablet, laptop, context } = devices('history-transfer-args');
    expect(code(() => sealHistoryTransfer(laptop, context, plaintext))).toBe('ERR_CRYPTO_INVALID_ARGUMENT');
    expect(code(() => sealHistoryTransfer(phone, context, new Uint8Array(MAX_HISTORY_TRANSFER_BYTES)))).toBe(
      'ERR_CRYPTO_TOO_LARGE',
    );
    expect(code(() => sealHistoryTransfer(phone, { ...context, personId: '' }, plaintext))).toBe(
      'ERR_CRYPTO_INVALID_ARGUMENT',
    );
    expect(code(() => sealHistoryTransfer(phone, context, plaintext, { createdAt: -1 }))).toBe(
      'ERR_CRYPTO_INVALID_ARGUMENT',
    );
    expect(
      code(() => openHistoryTransfer(tablet, context, new Uint8Array(MAX_HISTORY_TRANSFER_BYTES + 1))),
    ).toBe('ERR_CRYPTO_BAD_LENGTH');
  });

  it('differs every time it is sealed (fresh ephemeral key and nonce)', () => {
    const { phone, tablet, context } = devices('history-transfer-fresh');
    const first = sealHistoryTransfer(phone, context, plaintext, { createdAt: CREATED_AT });
    const second = sealHistoryTransfer(phone, context, plaintext, { createdAt: CREATED_AT });
    expect(toHex(first)).not.toBe(toHex(second));
    expect(openHistoryTransfer(tablet, context, second).plaintext).toEqual(plaintext);
    expect(Buffer.from(first).toString('latin1')).not.toContain('spreekuur.history-transfer');
  });
});

/** Replaces the signature with `signer`'s over the same header and ciphertext, for `context`. */
function resign(wire: Uint8Array, signer: DeviceIdentity, context: HistoryTransferContext): Uint8Array {
  // Sealing anew with the same header is not possible from outside; a signature by `signer` over
  // the original header and ciphertext under the new context is what a forger can make.
  const header = wire.subarray(0, 66);
  const ct = wire.subarray(130);
  const ctx = contextFor(context, CREATED_AT);
  const signature = signWith(signer, header, ctx, ct);
  const out = wire.slice();
  out.set(signature, 66);
  return out;
}

function contextFor(context: HistoryTransferContext, createdAt: number): Uint8Array {
  const hi = Math.floor(createdAt / 0x1_0000_0000);
  return encodeContext(Label.historyTransferAd, [
    utf8Encode(context.personId),
    utf8Encode(context.fromDeviceId),
    context.fromIdentityKey,
    utf8Encode(context.toDeviceId),
    context.toIdentityKey,
    new ByteWriter()
      .u32(hi)
      .u32(createdAt - hi * 0x1_0000_0000)
      .finish(),
  ]);
}

function signWith(signer: DeviceIdentity, header: Uint8Array, ctx: Uint8Array, ct: Uint8Array): Uint8Array {
  return sign(signer, encodeContext(Label.historyTransferSignature, [header, ctx, ct]));
}

/**
 * Frozen output of the first case (seed "history-transfer", createdAt above): a change means the
 * wire format changed, which needs a new version byte, not a new constant.
 */
const KNOWN_ANSWER =
  '0107000001a240ecf200a63c56417deca1b738a2d6759092bc01195f1ab2005e0bad6d1d5178172db31471821310264e840c58c5368d31dac05a71c988addbc71a6b7eb746b6bce769670d85c462ea66b28d5727684f15ab9e187dc80c00e9ba560008be5f5a4fea8a40ea78e033d575358a6a3e60cd646969e38ee6551925e0eb085f9b1eb2be0bb46d1d5466a0199159aed5f22ecf7d3c668e4771bc6f513882b10afc7f33a13fc4b64778aa7902718939a9097042e7c07865254272de8750d56b85d28afe430ef1';
