import { z } from 'zod';
import { base64UrlBytes, isoDateTime } from '../common.ts';

/**
 * A key backup as the server holds it: opaque ciphertext sealed on the device with a key
 * derived from the person's recovery key (packages/client/src/backup). The server cannot read it.
 */
export const MAX_KEY_BACKUP_BYTES = 64 * 1024;

export const putKeyBackupBody = z.strictObject({
  ciphertext: base64UrlBytes({ min: 1, max: MAX_KEY_BACKUP_BYTES }),
});

export const keyBackup = z.object({
  ciphertext: z.string(),
  size: z.number().int(),
  updatedAt: isoDateTime,
});
export type KeyBackup = z.infer<typeof keyBackup>;
