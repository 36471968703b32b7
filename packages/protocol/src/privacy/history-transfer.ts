import { z } from 'zod';
import { base64UrlBytes, id, isoDateTime } from '../common.ts';

/**
 * A history transfer as the server holds it (packages/crypto SPEC §15.2): the decrypted history
 * of one of a person's devices, sealed on that device to another device of the same person
 * (its identity key) and signed by the sender. Opaque to the server; one per target device,
 * deleted when fetched and acknowledged, or after {@link HISTORY_TRANSFER_DAYS} days.
 */
export const MAX_HISTORY_TRANSFER_BYTES = 4 * 1024 * 1024;
export const HISTORY_TRANSFER_DAYS = 7;

export const putHistoryTransferBody = z.strictObject({
  ciphertext: base64UrlBytes({ min: 1, max: MAX_HISTORY_TRANSFER_BYTES }),
});

export const storedHistoryTransfer = z.object({
  size: z.number().int(),
  expiresAt: isoDateTime,
});

export const historyTransfer = z.object({
  /** The device that sealed it, as the server says: the receiver checks this itself (SPEC §15.2). */
  fromDeviceId: id,
  ciphertext: z.string(),
  size: z.number().int(),
  createdAt: isoDateTime,
  expiresAt: isoDateTime,
});
export type HistoryTransfer = z.infer<typeof historyTransfer>;
