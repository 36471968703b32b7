import type { Database } from '@spreekuur/db';
import { toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { CreatedInvite, Device } from '@spreekuur/protocol/identity';
import {
  actorOf,
  recordAudit,
  requireRole,
  revokeDeviceTokens,
  type Principal,
  type Realtime,
} from '@spreekuur/server';
import type { InviteService } from './invite-service.ts';
import { devicesOfPerson, revokeDevice } from './store/device-store.ts';
import { roleOf } from './store/people-store.ts';
import { voidInvitesOfDevice } from './store/invite-store.ts';
import { iso, isoOrNull } from './store/rows.ts';

const DEVICE_LINK_TTL_MS = 15 * 60 * 1000;

/** A person's own devices: listing, revoking, and linking another one. */
export class DeviceService {
  constructor(
    private readonly deps: { db: Database; clock: () => Date; realtime: Realtime; invites: InviteService },
  ) {}

  async list(principal: Principal): Promise<Device[]> {
    return this.devicesOf(principal, principal.personId);
  }

  /** Another person's devices, for an admin of their organisation (someone lost a phone). */
  async listOf(principal: Principal, personId: string): Promise<Device[]> {
    requireRole(principal, 'admin');
    if ((await roleOf(this.deps.db, principal.orgId, personId)) === null)
      throw new AppError('ERR_NOT_FOUND', 'person not found');
    return this.devicesOf(principal, personId);
  }

  private async devicesOf(principal: Principal, personId: string): Promise<Device[]> {
    const rows = await devicesOfPerson(this.deps.db, principal.orgId, personId);
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
   * works; then its open sockets are closed, on every node.
   */
  async revoke(principal: Principal, deviceId: string): Promise<void> {
    await this.revokeOf(principal, principal.personId, deviceId);
  }

  /** The same for an admin revoking a device of someone in their organisation (a lost phone). */
  async revokeFor(principal: Principal, personId: string, deviceId: string): Promise<void> {
    if (personId !== principal.personId) requireRole(principal, 'admin');
    await this.revokeOf(principal, personId, deviceId);
  }

  private async revokeOf(principal: Principal, personId: string, deviceId: string): Promise<void> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      // The device row first: redemption locks in the same order (see InviteService.redeem).
      if (!(await revokeDevice(tx, { orgId: principal.orgId, personId }, deviceId, now)))
        throw new AppError('ERR_NOT_FOUND', 'device not found');
      await revokeDeviceTokens(tx, deviceId);
      const voidedInvites = await voidInvitesOfDevice(tx, deviceId, now);
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'device.revoked',
        subjectType: 'device',
        subjectId: deviceId,
        details: { voidedInvites, ...(personId === principal.personId ? {} : { ofPersonId: personId }) },
      });
    });
    await this.deps.realtime.disconnectDevice(deviceId, 'device_revoked');
  }

  /** A one-time code to add another device (a new phone, a laptop) to the caller's account. */
  async createLink(principal: Principal): Promise<CreatedInvite> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const created = await this.deps.invites.issue(
        tx,
        principal.orgId,
        { kind: 'device', personId: principal.personId },
        { personId: principal.personId, deviceId: principal.deviceId },
        new Date(now.getTime() + DEVICE_LINK_TTL_MS),
      );
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'device.link_created',
        subjectType: 'invite',
        subjectId: created.id,
      });
      return created;
    });
  }
}
