import { CryptoError } from './errors.ts';

/**
 * Common framing of every binary format (SPEC §2.4): byte 0 is the protocol version, byte 1 the
 * type. Parsers call {@link checkFrame} first, so version, type and length are settled before
 * any key is touched.
 */

export const WIRE_VERSION = 0x01;

export const MessageType = {
  /** Double Ratchet message (SPEC §5.3). */
  ratchet: 0x01,
  /** PQXDH initial message wrapping a ratchet message (SPEC §4.5). */
  preKey: 0x02,
  /** Sender-key distribution message (SPEC §6.3). */
  senderKeyDistribution: 0x03,
  /** Group message (SPEC §6.4). */
  group: 0x04,
  /** Attachment descriptor (SPEC §7.3). */
  attachmentDescriptor: 0x05,
  /** Safety-number QR payload (SPEC §8). */
  safetyNumberQr: 0x06,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export function checkFrame(
  bytes: Uint8Array,
  type: MessageType,
  minLength: number,
  maxLength: number,
  what: string,
): void {
  if (!(bytes instanceof Uint8Array))
    throw new CryptoError('ERR_CRYPTO_INVALID_ARGUMENT', `${what} must be a Uint8Array`);
  if (bytes.length < 2) throw new CryptoError('ERR_CRYPTO_BAD_LENGTH', `${what} is too short`);
  if (bytes[0] !== WIRE_VERSION) {
    throw new CryptoError('ERR_CRYPTO_BAD_VERSION', `${what} has unsupported version ${bytes[0]}`);
  }
  if (bytes[1] !== type)
    throw new CryptoError('ERR_CRYPTO_BAD_FORMAT', `${what} has type ${bytes[1]}, expected ${type}`);
  if (bytes.length < minLength || bytes.length > maxLength) {
    throw new CryptoError(
      'ERR_CRYPTO_BAD_LENGTH',
      `${what} length ${bytes.length} is outside ${minLength}..${maxLength}`,
    );
  }
}
