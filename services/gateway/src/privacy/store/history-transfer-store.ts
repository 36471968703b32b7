import type { Queryable } from '@spreekuur/db';

/** `history_transfers`: one opaque sealed history per target device (migration 0010). */

/** Whether `deviceId` is an active device of the person (the target of a transfer must be). */
export async function isActiveDeviceOf(
  db: Queryable,
  orgId: string,
  personId: string,
  deviceId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    'SELECT 1 FROM devices WHERE id = $1 AND org_id = $2 AND person_id = $3 AND revoked_at IS NULL',
    [deviceId, orgId, personId],
  );
  return rows.length > 0;
}

export async function saveTransfer(
  db: Queryable,
  transfer: {
    orgId: string;
    personId: string;
    fromDeviceId: string;
    toDeviceId: string;
    ciphertext: Uint8Array;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO history_transfers (to_device_id, org_id, person_id, from_device_id, ciphertext, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (to_device_id) DO UPDATE SET from_device_id = EXCLUDED.from_device_id,
       ciphertext = EXCLUDED.ciphertext, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
    [
      transfer.toDeviceId,
      transfer.orgId,
      transfer.personId,
      transfer.fromDeviceId,
      transfer.ciphertext,
      transfer.createdAt,
      transfer.expiresAt,
    ],
  );
}

/** The transfer waiting for `deviceId` of the person, unless it expired. */
export async function loadTransfer(
  db: Queryable,
  target: { orgId: string; personId: string; deviceId: string; now: Date },
): Promise<{ fromDeviceId: string; ciphertext: Uint8Array; createdAt: Date; expiresAt: Date } | null> {
  const { rows } = await db.query<{
    from_device_id: string;
    ciphertext: Uint8Array;
    created_at: Date;
    expires_at: Date;
  }>(
    `SELECT from_device_id, ciphertext, created_at, expires_at FROM history_transfers
      WHERE to_device_id = $1 AND org_id = $2 AND person_id = $3 AND expires_at > $4`,
    [target.deviceId, target.orgId, target.personId, target.now],
  );
  const row = rows[0];
  return row
    ? {
        fromDeviceId: row.from_device_id,
        ciphertext: row.ciphertext,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
      }
    : null;
}

export async function deleteTransfer(
  db: Queryable,
  target: { orgId: string; personId: string; deviceId: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    'DELETE FROM history_transfers WHERE to_device_id = $1 AND org_id = $2 AND person_id = $3',
    [target.deviceId, target.orgId, target.personId],
  );
  return rowCount > 0;
}
