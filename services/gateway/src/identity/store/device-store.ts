import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import type { Role } from '@spreekuur/protocol/identity';

/** Devices (`devices`): each holds an Ed25519 identity key; revoking one is kept, not deleted. */

export interface DeviceRow extends Record<string, unknown> {
  id: string;
  name: string;
  identity_key: Uint8Array;
  created_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
}

export async function devicesOfPerson(db: Queryable, orgId: string, personId: string): Promise<DeviceRow[]> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT id, name, identity_key, created_at, last_seen_at, revoked_at FROM devices
      WHERE org_id = $1 AND person_id = $2 ORDER BY created_at`,
    [orgId, personId],
  );
  return rows;
}

/** Marks a person's own device revoked (keeping the first time); false when it is not theirs. */
export async function revokeDevice(
  tx: Queryable,
  owner: { orgId: string; personId: string },
  deviceId: string,
  now: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE devices SET revoked_at = coalesce(revoked_at, $4) WHERE id = $1 AND org_id = $2 AND person_id = $3`,
    [deviceId, owner.orgId, owner.personId, now],
  );
  return rowCount > 0;
}

/** Whether a device is revoked (or gone), holding a share lock on its row until the transaction ends. */
export async function deviceRevokedLocked(tx: Queryable, deviceId: string): Promise<boolean> {
  const { rows } = await tx.query<{ revoked_at: Date | null }>(
    'SELECT revoked_at FROM devices WHERE id = $1 FOR SHARE',
    [deviceId],
  );
  return !rows[0] || rows[0].revoked_at !== null;
}

export async function insertDevice(
  tx: Queryable,
  device: { orgId: string; personId: string; name: string; identityKey: Uint8Array },
): Promise<string> {
  const deviceId = randomUUID();
  await tx.query(
    `INSERT INTO devices (id, org_id, person_id, name, identity_key) VALUES ($1, $2, $3, $4, $5)`,
    [deviceId, device.orgId, device.personId, device.name, device.identityKey],
  );
  return deviceId;
}

/** A device with its person's role, for logging in. */
export interface LoginDevice extends Record<string, unknown> {
  id: string;
  org_id: string;
  person_id: string;
  identity_key: Uint8Array;
  revoked_at: Date | null;
  role: Role;
}

export async function findLoginDevice(db: Queryable, deviceId: string): Promise<LoginDevice | undefined> {
  const { rows } = await db.query<LoginDevice>(
    `SELECT d.id, d.org_id, d.person_id, d.identity_key, d.revoked_at, p.role
       FROM devices d JOIN people p ON p.id = d.person_id AND p.org_id = d.org_id
      WHERE d.id = $1`,
    [deviceId],
  );
  return rows[0];
}

export async function touchLastSeen(tx: Queryable, deviceId: string, now: Date): Promise<void> {
  await tx.query('UPDATE devices SET last_seen_at = $2 WHERE id = $1', [deviceId, now]);
}
