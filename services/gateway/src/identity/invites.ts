import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { isUniqueViolation, type Database, type Queryable } from '@spreekuur/db';
import { fromBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import {
  registrationPayload,
  type CreatedInvite,
  type Invite,
  type RegisterBody,
  type RegisterResult,
  type Role,
} from '@spreekuur/protocol/identity';
import { recordAudit, type Principal } from '@spreekuur/server';
import { formatInviteCode, INVITE_CODE_BYTES, normaliseInviteCode } from './domain/invite-code.ts';
import { decideInvite } from './domain/invite-policy.ts';
import { toInvite, type InviteRow } from './rows.ts';
import { verifyEd25519 } from './signatures.ts';
import { teamIdsOf } from './teams.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export function hashInviteCode(code: string): Uint8Array {
  return createHash('sha256')
    .update(`spreekuur/invite/v1:${normaliseInviteCode(code)}`)
    .digest();
}

export interface InviteSettings {
  publicUrl: string;
  defaultTtlDays: number;
}

type NewInvite = { kind: 'person'; role: Role; teamId: string | null } | { kind: 'device'; personId: string };

/** Who made an invite: a person on one of their devices, or `null` for the operator. */
export type InviteCreator = { personId: string; deviceId: string } | null;

/**
 * Stores a new invite and returns it with its code: the only time the code exists in clear.
 * The creating device is kept: revoking it voids the invite (see `voidInvitesOfDevice`).
 */
export async function insertInvite(
  tx: Queryable,
  orgId: string,
  invite: NewInvite,
  creator: InviteCreator,
  expiresAt: Date,
  settings: InviteSettings,
): Promise<CreatedInvite> {
  const code = formatInviteCode(randomBytes(INVITE_CODE_BYTES));
  const { rows } = await tx.query<InviteRow>(
    `INSERT INTO invites (id, org_id, code_hash, kind, role, team_id, person_id, created_by, created_by_device, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
    [
      randomUUID(),
      orgId,
      hashInviteCode(code),
      invite.kind,
      invite.kind === 'person' ? invite.role : null,
      invite.kind === 'person' ? invite.teamId : null,
      invite.kind === 'device' ? invite.personId : null,
      creator?.personId ?? null,
      creator?.deviceId ?? null,
      expiresAt,
    ],
  );
  const created = toInvite(rows[0]!);
  return { ...created, code, joinUrl: `${settings.publicUrl}/join#${code}` };
}

export async function createInvite(
  db: Database,
  principal: Principal,
  request: { role: Role; teamId?: string | undefined; expiresInDays?: number | undefined },
  now: Date,
  settings: InviteSettings,
): Promise<CreatedInvite> {
  return db.transaction(async (tx) => {
    if (request.teamId) {
      const team = await tx.query('SELECT 1 FROM teams WHERE id = $1 AND org_id = $2', [
        request.teamId,
        principal.orgId,
      ]);
      if (team.rowCount === 0) throw new AppError('ERR_NOT_FOUND', 'team not found');
    }
    const decision = decideInvite(
      { role: principal.role, teamIds: await teamIdsOf(tx, principal.orgId, principal.personId) },
      request,
    );
    if (!decision.allowed) {
      throw decision.reason === 'team_required'
        ? new AppError('ERR_BAD_REQUEST', 'teamId is required', {
            issues: [{ path: ['body', 'teamId'], message: 'is required for this role' }],
          })
        : new AppError('ERR_INVITE_ROLE_NOT_ALLOWED');
    }
    const expiresAt = new Date(now.getTime() + (request.expiresInDays ?? settings.defaultTtlDays) * DAY_MS);
    const created = await insertInvite(
      tx,
      principal.orgId,
      { kind: 'person', role: request.role, teamId: request.teamId ?? null },
      { personId: principal.personId, deviceId: principal.deviceId },
      expiresAt,
      settings,
    );
    await recordAudit(tx, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action: 'invite.created',
      subjectType: 'invite',
      subjectId: created.id,
      details: { role: request.role, teamId: request.teamId ?? null },
    });
    return created;
  });
}

/**
 * Admins see every person invite of the organisation; workers the ones they made. Everyone
 * also sees the device links for their own account, so a pending one can be spotted and revoked.
 */
export async function listInvites(db: Database, principal: Principal): Promise<Invite[]> {
  const { rows } = await db.query<InviteRow>(
    `SELECT * FROM invites
      WHERE org_id = $1
        AND ((kind = 'person' AND ($2::boolean OR created_by = $3)) OR (kind = 'device' AND person_id = $3))
      ORDER BY created_at DESC LIMIT 500`,
    [principal.orgId, principal.role === 'admin', principal.personId],
  );
  return rows.map(toInvite);
}

/**
 * Voids every pending invite and device link made on a device; called in the transaction
 * that revokes it, after the device row is updated (the lock order redemption also uses).
 */
export async function voidInvitesOfDevice(tx: Queryable, deviceId: string, now: Date): Promise<number> {
  const { rowCount } = await tx.query(
    `UPDATE invites SET revoked_at = $2
      WHERE created_by_device = $1 AND used_at IS NULL AND revoked_at IS NULL`,
    [deviceId, now],
  );
  return rowCount;
}

export async function revokeInvite(
  db: Database,
  principal: Principal,
  inviteId: string,
  now: Date,
): Promise<Invite> {
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<InviteRow>(
      `UPDATE invites SET revoked_at = coalesce(revoked_at, $4)
        WHERE id = $1 AND org_id = $2 AND ($3::boolean OR created_by = $5)
        RETURNING *`,
      [inviteId, principal.orgId, principal.role === 'admin', now, principal.personId],
    );
    const row = rows[0];
    if (!row) throw new AppError('ERR_NOT_FOUND', 'invite not found');
    await recordAudit(tx, {
      orgId: principal.orgId,
      actorPersonId: principal.personId,
      actorDeviceId: principal.deviceId,
      action: 'invite.revoked',
      subjectType: 'invite',
      subjectId: inviteId,
    });
    return toInvite(row);
  });
}

/**
 * Redeems an invite: creates the person (or adds a device to one) and consumes the code,
 * all in one transaction. The invite row is locked, so two devices racing with one code
 * cannot both succeed; any failure leaves the invite unused.
 */
export async function redeemInvite(db: Database, body: RegisterBody, now: Date): Promise<RegisterResult> {
  const identityKey = fromBase64Url(body.identityKey);
  if (
    !verifyEd25519(identityKey, registrationPayload(body.inviteCode, identityKey), fromBase64Url(body.proof))
  ) {
    throw new AppError('ERR_AUTH_BAD_SIGNATURE');
  }
  const codeHash = hashInviteCode(body.inviteCode);
  try {
    return await db.transaction(async (tx) => {
      // Lock order: the creating device, then the invite; revocation locks in the same order
      // (device row, then its invites), so a revoke and a redemption never deadlock and never
      // both succeed: whichever commits second sees the other.
      const creator = await tx.query<{ created_by_device: string | null }>(
        'SELECT created_by_device FROM invites WHERE code_hash = $1',
        [codeHash],
      );
      const creatorDeviceId = creator.rows[0]?.created_by_device ?? null;
      let creatorRevoked = false;
      if (creatorDeviceId) {
        const device = await tx.query<{ revoked_at: Date | null }>(
          'SELECT revoked_at FROM devices WHERE id = $1 FOR SHARE',
          [creatorDeviceId],
        );
        creatorRevoked = !device.rows[0] || device.rows[0].revoked_at !== null;
      }
      const { rows } = await tx.query<InviteRow>('SELECT * FROM invites WHERE code_hash = $1 FOR UPDATE', [
        codeHash,
      ]);
      const invite = rows[0];
      if (!invite) throw new AppError('ERR_INVITE_NOT_FOUND');
      if (invite.used_at) throw new AppError('ERR_INVITE_USED');
      // A code made on a device that has since been revoked (a stolen phone) is void.
      if (creatorRevoked) {
        throw new AppError('ERR_INVITE_EXPIRED', 'the device that made this invite was revoked', {
          details: { reason: 'creator_device_revoked' },
        });
      }
      if (invite.revoked_at || invite.expires_at <= now) throw new AppError('ERR_INVITE_EXPIRED');

      let personId: string;
      let role: Role;
      if (invite.kind === 'person') {
        if (!body.displayName) {
          throw new AppError('ERR_BAD_REQUEST', 'displayName is required', {
            issues: [{ path: ['body', 'displayName'], message: 'is required for a new account' }],
          });
        }
        personId = randomUUID();
        role = invite.role!;
        await tx.query(
          `INSERT INTO people (id, org_id, role, display_name, locale) VALUES ($1, $2, $3, $4, $5)`,
          [personId, invite.org_id, role, body.displayName, body.locale ?? 'nl'],
        );
        if (invite.team_id) {
          await tx.query(`INSERT INTO team_members (org_id, team_id, person_id) VALUES ($1, $2, $3)`, [
            invite.org_id,
            invite.team_id,
            personId,
          ]);
        }
      } else {
        personId = invite.person_id!;
        const person = await tx.query<{ role: Role }>(
          'SELECT role FROM people WHERE id = $1 AND org_id = $2',
          [personId, invite.org_id],
        );
        if (!person.rows[0]) throw new AppError('ERR_INVITE_NOT_FOUND');
        role = person.rows[0].role;
      }

      const deviceId = randomUUID();
      await tx.query(
        `INSERT INTO devices (id, org_id, person_id, name, identity_key) VALUES ($1, $2, $3, $4, $5)`,
        [deviceId, invite.org_id, personId, body.deviceName, identityKey],
      );
      await tx.query('UPDATE invites SET used_at = $2, used_by_device = $3 WHERE id = $1', [
        invite.id,
        now,
        deviceId,
      ]);
      await recordAudit(tx, {
        orgId: invite.org_id,
        actorPersonId: personId,
        actorDeviceId: deviceId,
        action: invite.kind === 'person' ? 'person.registered' : 'device.linked',
        subjectType: 'invite',
        subjectId: invite.id,
        details: { role },
      });
      return { organisationId: invite.org_id, personId, deviceId, role };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'devices_identity_key_key')) throw new AppError('ERR_IDENTITY_KEY_IN_USE');
    throw error;
  }
}
