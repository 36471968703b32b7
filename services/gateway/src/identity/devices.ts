import type { Database } from '@spreekuur/db';
import { toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { CreatedInvite, Device } from '@spreekuur/protocol/identity';
import { recordAudit, revokeDeviceTokens, type Principal } from '@spreekuur/server';
import { insertInvite, voidInvitesOfDevice, type InviteSettings } from './invites.ts';
import { iso, isoOrNull } from './rows.ts';

type DeviceRow = {
  id: string;
  name: string;
  identity_key: Uint8Array;
  created_at: Date;
  last_seen_at: Date | null;
  revoked_at: Date | null;
};

export async function listOwnDevices(db: Database, principal: Principal): Promise<Device[]> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT id, name, identity_key, created_at, last_seen_at, revoked_at FROM devices
      WHERE org_id = $1 AND person_id = $2 ORDER BY created_at`,
    [principal.orgId, principal.personId],
  );
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    identityKey: toBase64Url(row.identity_key),
    createdAt: iso(row.created_at),
    lastSeenAt: isoOrNull(row.last_seen_at),
    revokedAt: isoOrNull(row.revoked_at),
    current: row.id === principal.deviceId,
  }));
}

/**
 * Revokes one of the caller's own devices: its tokens are deleted and the invites and device
 * links it made but nobody used yet are voided, in the same transaction, so the next request
 * of that device fails and a code made on it (say by a thief on a stolen phone) no longer
 * works; the caller then closes its open sockets.
 */
export async function revokeOwnDevice(
  db: Database,
  principal: Principal,
  deviceId: string,
  now: Date,
): Promise<void> {
  await db.transaction(async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE devices SET revoked_at = coalesce(revoked_at, $4) WHERE id = $1 AND org_id = $2 AND person_id = $3`,
      [deviceId, principal.orgId, principal.personId, now],
    );
    if (rowCount === 0) throw new AppError('ERR_NOT_FOUND', 'device not found');
    await revokeDeviceTokens(tx, deviceId);
    const voidedInvites = await voidInvitesOfDevice(tx, deviceId, now);
    await recordAudit(tx, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action: 'device.revoked',
      subjectType: 'device',
      subjectId: deviceId,
      details: { voidedInvites },
    });
  });
}

const DEVICE_LINK_TTL_MS = 15 * 60 * 1000;

/** A one-time code to add another device (a new phone, a laptop) to the caller's account. */
export async function createDeviceLink(
  db: Database,
  principal: Principal,
  now: Date,
  settings: InviteSettings,
): Promise<CreatedInvite> {
  return db.transaction(async (tx) => {
    const created = await insertInvite(
      tx,
      principal.orgId,
      { kind: 'device', personId: principal.personId },
      { personId: principal.personId, deviceId: principal.deviceId },
      new Date(now.getTime() + DEVICE_LINK_TTL_MS),
      settings,
    );
    await recordAudit(tx, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action: 'device.link_created',
      subjectType: 'invite',
      subjectId: created.id,
    });
    return created;
  });
}
