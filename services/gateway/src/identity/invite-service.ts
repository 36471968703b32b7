import { randomBytes } from 'node:crypto';
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
import { actorOf, recordAudit, requireRole, type Principal } from '@spreekuur/server';
import { formatInviteCode, hashInviteCode, INVITE_CODE_BYTES } from './domain/invite-code.ts';
import { decideDeviceLinkFor, decideInvite } from './domain/invite-policy.ts';
import { verifyEd25519 } from './signatures.ts';
import { deviceRevokedLocked, insertDevice } from './store/device-store.ts';
import {
  creatorDeviceOfCode,
  insertInvite,
  listInvites,
  lockInviteByCode,
  markInviteUsed,
  revokeInvite,
  type InviteCreator,
  type NewInvite,
} from './store/invite-store.ts';
import { insertPerson, roleOfActive } from './store/people-store.ts';
import { addTeamMember, teamExists, teamIdsOf } from './store/team-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The web app's page where a new device enters a link code (packages/web/src/ui/trust/paths.ts). */
const LINK_PAGE = '/koppelen';

export interface InviteSettings {
  publicUrl: string;
  defaultTtlDays: number;
}

/**
 * Invites into an organisation, device links, and redeeming either at registration. A code
 * exists in clear only in the answer that creates it; the server keeps its hash.
 */
export class InviteService {
  constructor(private readonly deps: { db: Database; clock: () => Date; settings: InviteSettings }) {}

  /** When an invite made now expires: after `days`, or the deployment's default. */
  expiry(now: Date, days = this.deps.settings.defaultTtlDays): Date {
    return new Date(now.getTime() + days * DAY_MS);
  }

  /**
   * Stores a new invite and returns it with its code: the only time the code exists in clear.
   * The creating device is kept: revoking it voids the invite (see `DeviceService.revoke`).
   */
  async issue(
    tx: Queryable,
    orgId: string,
    invite: NewInvite,
    creator: InviteCreator,
    expiresAt: Date,
    page = '/join',
  ): Promise<CreatedInvite> {
    const code = formatInviteCode(randomBytes(INVITE_CODE_BYTES));
    const created = await insertInvite(tx, orgId, invite, creator, hashInviteCode(code), expiresAt);
    return { ...created, code, joinUrl: `${this.deps.settings.publicUrl}${page}#${code}` };
  }

  /**
   * A device-link code for someone else, who lost their only phone and so cannot make one.
   * The device it links is theirs but certified by none of their devices: contacts see a new,
   * unapproved device (docs/privacy.md). The person sees the entry in their audit trail.
   */
  async createDeviceLinkFor(
    principal: Principal,
    personId: string,
    request: { expiresInDays?: number | undefined },
  ): Promise<CreatedInvite> {
    const now = this.deps.clock();
    requireRole(principal, 'admin', 'worker');
    return this.deps.db.transaction(async (tx) => {
      const role = await roleOfActive(tx, principal.orgId, personId);
      if (!role) throw new AppError('ERR_NOT_FOUND', 'person not found');
      const decision = decideDeviceLinkFor(
        { role: principal.role, teamIds: await teamIdsOf(tx, principal.orgId, principal.personId) },
        { role, teamIds: await teamIdsOf(tx, principal.orgId, personId) },
      );
      if (!decision.allowed) throw new AppError('ERR_FORBIDDEN', decision.reason.replaceAll('_', ' '));
      const created = await this.issue(
        tx,
        principal.orgId,
        { kind: 'device', personId },
        { personId: principal.personId, deviceId: principal.deviceId },
        this.expiry(now, request.expiresInDays ?? 1),
        LINK_PAGE,
      );
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'device.link_created',
        subjectType: 'invite',
        subjectId: created.id,
        details: { forPersonId: personId },
      });
      return created;
    });
  }

  async create(
    principal: Principal,
    request: { role: Role; teamId?: string | undefined; expiresInDays?: number | undefined },
  ): Promise<CreatedInvite> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      if (request.teamId && !(await teamExists(tx, principal.orgId, request.teamId)))
        throw new AppError('ERR_NOT_FOUND', 'team not found');
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
      const created = await this.issue(
        tx,
        principal.orgId,
        { kind: 'person', role: request.role, teamId: request.teamId ?? null },
        { personId: principal.personId, deviceId: principal.deviceId },
        this.expiry(now, request.expiresInDays),
      );
      await recordAudit(tx, {
        ...actorOf(principal),
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
  list(principal: Principal): Promise<Invite[]> {
    return listInvites(this.deps.db, principal.orgId, {
      personId: principal.personId,
      all: principal.role === 'admin',
    });
  }

  /** Admins revoke any invite of the organisation, others the ones they made. */
  async revoke(principal: Principal, inviteId: string): Promise<Invite> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const invite = await revokeInvite(
        tx,
        principal.orgId,
        inviteId,
        { personId: principal.personId, any: principal.role === 'admin' },
        now,
      );
      if (!invite) throw new AppError('ERR_NOT_FOUND', 'invite not found');
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'invite.revoked',
        subjectType: 'invite',
        subjectId: inviteId,
      });
      return invite;
    });
  }

  /**
   * Redeems an invite: creates the person (or adds a device to one) and consumes the code,
   * all in one transaction. The invite row is locked, so two devices racing with one code
   * cannot both succeed; any failure leaves the invite unused.
   */
  async redeem(body: RegisterBody): Promise<RegisterResult> {
    const now = this.deps.clock();
    const identityKey = fromBase64Url(body.identityKey);
    if (
      !verifyEd25519(
        identityKey,
        registrationPayload(body.inviteCode, identityKey),
        fromBase64Url(body.proof),
      )
    ) {
      throw new AppError('ERR_AUTH_BAD_SIGNATURE');
    }
    const codeHash = hashInviteCode(body.inviteCode);
    try {
      return await this.deps.db.transaction(async (tx) => {
        // Lock order: the creating device, then the invite; revocation locks in the same order
        // (device row, then its invites), so a revoke and a redemption never deadlock and never
        // both succeed: whichever commits second sees the other.
        const creatorDeviceId = await creatorDeviceOfCode(tx, codeHash);
        const creatorRevoked = creatorDeviceId ? await deviceRevokedLocked(tx, creatorDeviceId) : false;
        const invite = await lockInviteByCode(tx, codeHash);
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
          role = invite.role!;
          personId = await insertPerson(tx, {
            orgId: invite.org_id,
            role,
            displayName: body.displayName,
            locale: body.locale ?? 'nl',
          });
          if (invite.team_id) await addTeamMember(tx, invite.org_id, invite.team_id, personId);
        } else {
          personId = invite.person_id!;
          const existing = await roleOfActive(tx, invite.org_id, personId);
          if (!existing) throw new AppError('ERR_INVITE_NOT_FOUND');
          role = existing;
        }

        const deviceId = await insertDevice(tx, {
          orgId: invite.org_id,
          personId,
          name: body.deviceName,
          identityKey,
        });
        await markInviteUsed(tx, invite.id, deviceId, now);
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
}
