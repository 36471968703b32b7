import { z } from 'zod';
import { base64Url, id } from '../common.ts';
import { opaqueBytes } from './bytes.ts';

// The key directory: public prekeys of devices, so others can start a session with them.

const KEY_BYTES_MAX = 2_048; // ML-KEM-768 public keys are 1,184 bytes; room for a version prefix.
const SIGNATURE_BYTES_MAX = 128;
/** A prekey's number, chosen by its device. */
const prekeyId = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

export const signedPrekey = z.strictObject({
  id: prekeyId,
  publicKey: opaqueBytes(KEY_BYTES_MAX),
  signature: opaqueBytes(SIGNATURE_BYTES_MAX),
});

export const uploadSignedPrekeysBody = z.strictObject({
  signedPrekey,
  kemPrekey: signedPrekey,
});

export const ONE_TIME_PREKEYS_MAX = 500;
export const ONE_TIME_PREKEYS_LOW = 20;

export const uploadOneTimePrekeysBody = z.strictObject({
  prekeys: z
    .array(
      z.strictObject({
        id: prekeyId,
        publicKey: opaqueBytes(KEY_BYTES_MAX),
      }),
    )
    .min(1)
    .max(200),
});

export const keyStatus = z.object({
  oneTimePrekeys: z.number().int(),
  signedPrekeyId: z.number().int().nullable(),
  kemPrekeyId: z.number().int().nullable(),
  /** Below this many one-time prekeys the device should upload more. */
  lowWatermark: z.number().int(),
});

export const fetchBundlesBody = z.strictObject({ deviceIds: z.array(id).min(1).max(200) });

export const prekeyBundle = z.object({
  deviceId: id,
  personId: id,
  identityKey: base64Url,
  signedPrekey: z.object({ id: z.number(), publicKey: base64Url, signature: base64Url }),
  kemPrekey: z.object({ id: z.number(), publicKey: base64Url, signature: base64Url }),
  /** Absent when the device has run out; the session then starts without one (SPEC). */
  oneTimePrekey: z.object({ id: z.number(), publicKey: base64Url }).nullable(),
});
export type PrekeyBundle = z.infer<typeof prekeyBundle>;

/**
 * A device certificate (packages/crypto SPEC §13.2): `signerDeviceId`, a device of the same
 * person (or the device itself, for a person's first device), signed the device's person id,
 * device id and identity key. The server only stores it; clients verify it.
 */
export const deviceCertificate = z.object({ deviceId: id, signerDeviceId: id, signature: base64Url });
export type DeviceCertificate = z.infer<typeof deviceCertificate>;

/** Publish a certificate for `deviceId` (this device, or another device of the same person), signed by the caller. */
export const publishCertificateBody = z.strictObject({
  deviceId: id,
  signature: opaqueBytes(SIGNATURE_BYTES_MAX),
});

export const fetchCertificatesBody = z.strictObject({ deviceIds: z.array(id).min(1).max(500) });
