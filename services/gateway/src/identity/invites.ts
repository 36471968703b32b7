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

/** Stores a new invite and returns it with its code: the only time the code exists in clear. */
export async function insertInvite(
  tx: Queryable,
  orgId: string,
  invite: NewInvite,
  createdBy: string | null,
  expiresAt: Date,
  settings: InviteSettings,
): Promise<CreatedInvite> {
  const code = formatInviteCode(randomBytes(INVITE_CODE_BYTES));
  const { rows } = await tx.query<InviteRow>(
    `INSERT INTO invites (id, org_id, code_hash, kind, role, team_id, person_id, created_by, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      randomUUID(),
      orgId,
      hashInviteCode(code),
      invite.kind,
      invite.kind === 'person' ? invite.role : null,
      invite.kind === 'person' ? invite.teamId : null,
      invite.kind === 'device' ? invite.personId : null,
      createdBy,
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
      principal.personId,
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

/** Admins see every pending invite of the organisation; workers the ones they made. */
export async function listInvites(db: Database, principal: Principal): Promise<Invite[]> {
  const { rows } = await db.query<InviteRow>(
    `SELECT * FROM invites
      WHERE org_id = $1 AND kind = 'person' AND ($2::boolean OR created_by = $3)
      ORDER BY created_at DESC LIMIT 500`,
    [principal.orgId, principal.role === 'admin', principal.personId],
  );
  return rows.map(toInvite);
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
  try {
    return await db.transaction(async (tx) => {
      const { rows } = await tx.query<InviteRow>('SELECT * FROM invites WHERE code_hash = $1 FOR UPDATE', [
        hashInviteCode(body.inviteCode),
      ]);
      const invite = rows[0];
      if (!invite) throw new AppError('ERR_INVITE_NOT_FOUND');
      if (invite.used_at) throw new AppError('ERR_INVITE_USED');
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
