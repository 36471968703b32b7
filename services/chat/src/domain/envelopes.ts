import type { SendMessage } from '@spreekuur/protocol/chat';

/** Decoded size of a base64url string, without decoding it. */
const decodedLength = (text: string) => Math.floor((text.length * 3) / 4);

/** The ciphertext bytes an envelope carries (all devices' payloads together, or the group's one). */
export function envelopeBytes(envelope: SendMessage): number {
  return envelope.kind === 'pairwise'
    ? envelope.payloads.reduce((sum, payload) => sum + decodedLength(payload.ciphertext), 0)
    : decodedLength(envelope.ciphertext);
}

/** The devices an envelope addresses. */
export function addressedDevices(envelope: SendMessage): string[] {
  return envelope.kind === 'pairwise'
    ? envelope.payloads.map((payload) => payload.deviceId)
    : envelope.recipientDeviceIds;
}
