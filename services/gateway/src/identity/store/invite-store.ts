import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import type { Invite, Role } from '@spreekuur/protocol/identity';
import { iso, isoOrNull } from './rows.ts';

/** Invites and device links (`invites`): only a hash of each code is stored. */

export interface InviteRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  kind: 'person' | 'device';
  role: Role | null;
  team_id: string | null;
  person_id: string | null;
  created_by: string | null;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
  created_at: Date;
}

function toInvite(row: InviteRow): Invite {
  return {
    id: row.id,
    kind: row.kind,
    role: row.role,
    teamId: row.team_id,
    expiresAt: iso(row.expires_at),
    usedAt: isoOrNull(row.used_at),
    revokedAt: isoOrNull(row.revoked_at),
    createdAt: iso(row.created_at),
  };
}

/** A person invite (a role, maybe a team) or a link to add a device to an existing person. */
export type NewInvite =
  { kind: 'person'; role: Role; teamId: string | null } | { kind: 'device'; personId: string };

/** Who made an invite: a person on one of their devices, or `null` for the operator. */
export type InviteCreator = { personId: string; deviceId: string } | null;

export async function insertInvite(
  tx: Queryable,
  orgId: string,
  invite: NewInvite,
  creator: InviteCreator,
  codeHash: Uint8Array,
  expiresAt: Date,
): Promise<Invite> {
  const { rows } = await tx.query<InviteRow>(
    `INSERT INTO invites (id, org_id, code_hash, kind, role, team_id, person_id, created_by, created_by_device, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      randomUUID(),
      orgId,
      codeHash,
      invite.kind,
      invite.kind === 'person' ? invite.role : null,
      invite.kind === 'person' ? invite.teamId : null,
      invite.kind === 'device' ? invite.personId : null,
      creator?.personId ?? null,
      creator?.deviceId ?? null,
      expiresAt,
    ],
  );
  return toInvite(rows[0]!);
}

/**
 * Every person invite of the organisation (`all`) or those the person made, and the device
 * links for their own account; newest first.
 */
export async function listInvites(
  db: Queryable,
  orgId: string,
  viewer: { personId: string; all: boolean },
): Promise<Invite[]> {
  const { rows } = await db.query<InviteRow>(
    `SELECT * FROM invites
      WHERE org_id = $1
        AND ((kind = 'person' AND ($2::boolean OR created_by = $3)) OR (kind = 'device' AND person_id = $3))
      ORDER BY created_at DESC LIMIT 500`,
    [orgId, viewer.all, viewer.personId],
  );
  return rows.map(toInvite);
}

/** Voids every pending invite and device link made on a device; returns how many. */
export async function voidInvitesOfDevice(tx: Queryable, deviceId: string, now: Date): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE invites SET revoked_at = $2
      WHERE created_by_device = $1 AND used_at IS NULL AND revoked_at IS NULL`,
    [deviceId, now],
  );
  return rowCount;
}

/** Revokes an invite of the organisation (any, with `any`; else only one the person made). */
export async function revokeInvite(
  tx: Queryable,
  orgId: string,
  inviteId: string,
  by: { personId: string; any: boolean },
  now: Date,
): Promise<Invite | null> {
  const { rows } = await tx.query<InviteRow>(
    `UPDATE invites SET revoked_at = coalesce(revoked_at, $4)
      WHERE id = $1 AND org_id = $2 AND ($3::boolean OR created_by = $5)
      RETURNING *`,
    [inviteId, orgId, by.any, now, by.personId],
  );
  return rows[0] ? toInvite(rows[0]) : null;
}

/** The device that made the invite with this code, if any (read before locking; see redemption). */
export async function creatorDeviceOfCode(tx: Queryable, codeHash: Uint8Array): Promise<string | null> {
  const { rows } = await tx.query<{ created_by_device: string | null }>(
    'SELECT created_by_device FROM invites WHERE code_hash = $1',
    [codeHash],
  );
  return rows[0]?.created_by_device ?? null;
}

/** The invite with this code, locked until the transaction ends. */
export async function lockInviteByCode(tx: Queryable, codeHash: Uint8Array): Promise<InviteRow | undefined> {
  const { rows } = await tx.query<InviteRow>('SELECT * FROM invites WHERE code_hash = $1 FOR UPDATE', [
    codeHash,
  ]);
  return rows[0];
}

export async function markInviteUsed(
  tx: Queryable,
  inviteId: string,
  deviceId: string,
  now: Date,
): Promise<void> {
  await tx.query('UPDATE invites SET used_at = $2, used_by_device = $3 WHERE id = $1', [
    inviteId,
    now,
    deviceId,
  ]);
}
