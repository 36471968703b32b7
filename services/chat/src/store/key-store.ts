import type { Queryable } from '@spreekuur/db';

/** Public prekeys of devices (`device_signed_prekeys`, `device_one_time_prekeys`); bytes as given. */

export interface SignedPrekeysRow extends Record<string, unknown> {
  device_id: string;
  signed_prekey_id: number;
  signed_prekey: Uint8Array;
  signed_prekey_signature: Uint8Array;
  kem_prekey_id: number;
  kem_prekey: Uint8Array;
  kem_prekey_signature: Uint8Array;
}

export interface SignedKeyBytes {
  id: number;
  publicKey: Uint8Array;
  signature: Uint8Array;
}

/** Stores (or replaces) a device's signed prekey and KEM prekey. */
export async function upsertSignedPrekeys(
  db: Queryable,
  device: { deviceId: string; orgId: string },
  keys: { signedPrekey: SignedKeyBytes; kemPrekey: SignedKeyBytes },
): Promise<void> {
  await db.query(
    `INSERT INTO device_signed_prekeys (device_id, org_id, signed_prekey_id, signed_prekey, signed_prekey_signature,
                                        kem_prekey_id, kem_prekey, kem_prekey_signature, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
     ON CONFLICT (device_id) DO UPDATE SET
       signed_prekey_id = EXCLUDED.signed_prekey_id, signed_prekey = EXCLUDED.signed_prekey,
       signed_prekey_signature = EXCLUDED.signed_prekey_signature, kem_prekey_id = EXCLUDED.kem_prekey_id,
       kem_prekey = EXCLUDED.kem_prekey, kem_prekey_signature = EXCLUDED.kem_prekey_signature, updated_at = now()`,
    [
      device.deviceId,
      device.orgId,
      keys.signedPrekey.id,
      keys.signedPrekey.publicKey,
      keys.signedPrekey.signature,
      keys.kemPrekey.id,
      keys.kemPrekey.publicKey,
      keys.kemPrekey.signature,
    ],
  );
}

/** Adds one-time prekeys; a key id the device already has is left as it is. */
export async function insertOneTimePrekeys(
  tx: Queryable,
  deviceId: string,
  prekeys: ReadonlyArray<{ id: number; publicKey: Uint8Array }>,
): Promise<void> {
  for (const prekey of prekeys) {
    await tx.query(
      `INSERT INTO device_one_time_prekeys (device_id, key_id, public_key) VALUES ($1, $2, $3)
       ON CONFLICT (device_id, key_id) DO NOTHING`,
      [deviceId, prekey.id, prekey.publicKey],
    );
  }
}

export async function countOneTimePrekeys(db: Queryable, deviceId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM device_one_time_prekeys WHERE device_id = $1',
    [deviceId],
  );
  return rows[0]!.n;
}

/** The ids of a device's current signed and KEM prekeys, if it published any. */
export async function signedPrekeyIds(
  db: Queryable,
  deviceId: string,
): Promise<{ signedPrekeyId: number; kemPrekeyId: number } | null> {
  const { rows } = await db.query<{ signed_prekey_id: number; kem_prekey_id: number }>(
    'SELECT signed_prekey_id, kem_prekey_id FROM device_signed_prekeys WHERE device_id = $1',
    [deviceId],
  );
  return rows[0] ? { signedPrekeyId: rows[0].signed_prekey_id, kemPrekeyId: rows[0].kem_prekey_id } : null;
}

/** The devices' signed prekeys, by device id (devices that published none are absent). */
export async function signedPrekeysOf(
  db: Queryable,
  deviceIds: readonly string[],
): Promise<Map<string, SignedPrekeysRow>> {
  const { rows } = await db.query<SignedPrekeysRow>(
    'SELECT * FROM device_signed_prekeys WHERE device_id = ANY($1::uuid[])',
    [deviceIds],
  );
  return new Map(rows.map((row) => [row.device_id, row]));
}

/**
 * Takes one of a device's one-time prekeys, deleting it as it is handed out (FOR UPDATE SKIP
 * LOCKED: concurrent fetches never get the same key); null when it has none left.
 */
export async function claimOneTimePrekey(
  db: Queryable,
  deviceId: string,
): Promise<{ id: number; publicKey: Uint8Array } | null> {
  const { rows } = await db.query<{ key_id: number; public_key: Uint8Array }>(
    `DELETE FROM device_one_time_prekeys
      WHERE (device_id, key_id) = (SELECT device_id, key_id FROM device_one_time_prekeys
                                    WHERE device_id = $1 ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING key_id, public_key`,
    [deviceId],
  );
  return rows[0] ? { id: rows[0].key_id, publicKey: rows[0].public_key } : null;
}

/** Devices of the organisation that are not revoked, among the given ids. */
export async function activeDevices(
  db: Queryable,
  orgId: string,
  deviceIds: readonly string[],
): Promise<Array<{ id: string; personId: string; identityKey: Uint8Array }>> {
  const { rows } = await db.query<{ id: string; person_id: string; identity_key: Uint8Array }>(
    'SELECT id, person_id, identity_key FROM devices WHERE id = ANY($1::uuid[]) AND org_id = $2 AND revoked_at IS NULL',
    [deviceIds, orgId],
  );
  return rows.map((row) => ({ id: row.id, personId: row.person_id, identityKey: row.identity_key }));
}

export interface CertificateRow {
  deviceId: string;
  signerDeviceId: string;
  signature: Uint8Array;
}

/**
 * Stores a device certificate. A device's own signature (first device) never replaces one by
 * another device of the person: the approval of a linked device stays.
 */
export async function upsertCertificate(db: Queryable, certificate: CertificateRow): Promise<void> {
  await db.query(
    `INSERT INTO device_certificates (device_id, signer_device_id, signature) VALUES ($1, $2, $3)
     ON CONFLICT (device_id) DO UPDATE SET signer_device_id = EXCLUDED.signer_device_id,
       signature = EXCLUDED.signature, created_at = now()
     WHERE EXCLUDED.signer_device_id <> EXCLUDED.device_id
        OR device_certificates.signer_device_id = device_certificates.device_id`,
    [certificate.deviceId, certificate.signerDeviceId, certificate.signature],
  );
}

export async function certificatesOf(db: Queryable, deviceIds: readonly string[]): Promise<CertificateRow[]> {
  const { rows } = await db.query<{ device_id: string; signer_device_id: string; signature: Uint8Array }>(
    'SELECT device_id, signer_device_id, signature FROM device_certificates WHERE device_id = ANY($1::uuid[])',
    [deviceIds],
  );
  return rows.map((row) => ({
    deviceId: row.device_id,
    signerDeviceId: row.signer_device_id,
    signature: row.signature,
  }));
}
