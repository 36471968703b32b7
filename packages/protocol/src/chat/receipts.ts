import { z } from 'zod';
import { id } from '../common.ts';
import { sequenceNumber } from './channels.ts';

// Delivered and read cursors, and where each channel stands for catch-up (chat:sync).

export const receiptsBody = z.strictObject({
  receipts: z
    .array(
      z.strictObject({
        channelId: id,
        deliveredSeq: sequenceNumber.optional(),
        readSeq: sequenceNumber.optional(),
      }),
    )
    .min(1)
    .max(200),
});

export const receiptEvent = z.object({
  channelId: id,
  personId: id,
  deviceId: id,
  deliveredSeq: sequenceNumber,
  readSeq: sequenceNumber,
});
export type ReceiptEvent = z.infer<typeof receiptEvent>;

export const syncResult = z.object({
  channels: z.array(
    z.object({
      id,
      /** For a channel the caller has left: the end of what they may read (their removal). */
      lastSeq: sequenceNumber,
      deliveredSeq: sequenceNumber,
      joinedSeq: sequenceNumber,
      /** Present when the caller left or was removed and this device has not caught up to it. */
      leftSeq: sequenceNumber.optional(),
    }),
  ),
});
