import { utf8Decode, utf8Encode } from '@spreekuur/crypto/encoding';
import { groupPlaintext, pairwisePlaintext, type PairwisePlaintext } from '@spreekuur/protocol/content';

/** Who sends and where it belongs: written into every plaintext (v2, SPEC §13.3). */
export interface PlaintextContext {
  sender: { personId: string; deviceId: string };
  channelId: string;
  replacesSeq: number | null;
  /** Reserved for franking (issue 11): kept as given. */
  frankingKey?: string | undefined;
}

export function encodePlaintext(context: PlaintextContext, content: unknown): Uint8Array {
  const { frankingKey, ...rest } = context;
  return utf8Encode(
    JSON.stringify({
      v: 2,
      ...rest,
      sentAt: Date.now(),
      ...(frankingKey !== undefined ? { frankingKey } : {}),
      content,
    }),
  );
}

export type DecodedPlaintext = PairwisePlaintext;

/** Parses a decrypted payload (pairwise or group schema); throws on anything malformed. */
export function decodePlaintext(bytes: Uint8Array, kind: 'pairwise' | 'group'): DecodedPlaintext {
  const json: unknown = JSON.parse(utf8Decode(bytes));
  return kind === 'pairwise' ? pairwisePlaintext.parse(json) : groupPlaintext.parse(json);
}

/**
 * What the envelope and our pins say against what the sender wrote inside the ciphertext.
 * Returns the first field that differs, or null. v1 plaintexts (older messages) name nothing;
 * only the pin can be checked for those.
 */
export function contextMismatch(
  decoded: DecodedPlaintext,
  expected: {
    channelId: string;
    senderDeviceId: string;
    /** The person the sender device is pinned to. */
    pinnedPersonId: string;
    envelopePersonId: string;
    replacesSeq: number | null;
  },
): string | null {
  if (expected.envelopePersonId !== expected.pinnedPersonId) return 'sender person';
  if (decoded.v === 1) return null;
  if (decoded.sender.deviceId !== expected.senderDeviceId) return 'sender device';
  if (decoded.sender.personId !== expected.pinnedPersonId) return 'sender person';
  if (decoded.channelId !== expected.channelId) return 'channel';
  if (decoded.replacesSeq !== expected.replacesSeq) return 'edit target';
  return null;
}
