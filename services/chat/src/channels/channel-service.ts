import type { Database, Queryable } from '@spreekuur/db';
import { isUniqueViolation } from '@spreekuur/db';
import type { Channel, ChannelDevice, ChannelRole } from '@spreekuur/protocol/chat';
import { AppError } from '@spreekuur/protocol/errors';
import { recordAudit, type Principal } from '@spreekuur/server';
import {
  mayChangeSettings,
  mayLeave,
  mayManageMembers,
  membersFollowTheQueue,
} from '../domain/channel-permissions.ts';
import { mayCreateGroup, mayOpenDirect } from '../domain/contact-policy.ts';
import type { Delivery } from '../messages/delivery.ts';
import {
  addMember,
  appendEvent,
  createChannel,
  getChannel,
  listChannels,
  memberDevices,
  personFacts,
  removeMember,
  requireMembership,
} from './channel-store.ts';

/** A committed membership change, to push to devices. */
export interface MembershipPublication {
  channelId: string;
  seq: number;
  removedPersonId?: string;
}

/** Channel operations: checks, one transaction, then pushes of what changed. */
export class ChannelService {
  constructor(
    private readonly db: Database,
    private readonly delivery: Delivery,
    private readonly clock: () => Date,
  ) {}

  /** The caller's current channels, with this device's cursors. */
  list(principal: Principal): Promise<Channel[]> {
    return listChannels(this.db, principal);
  }

  get(principal: Principal, channelId: string): Promise<Channel> {
    return getChannel(this.db, principal, channelId);
  }

  /** The direct conversation between the caller and another person, made on first use. */
  async openDirect(principal: Principal, otherPersonId: string): Promise<Channel> {
    const facts = await personFacts(this.db, principal.orgId, [principal.personId, otherPersonId]);
    const other = facts.get(otherPersonId);
    if (!other) throw new AppError('ERR_NOT_FOUND', 'person not found');
    if (!mayOpenDirect(facts.get(principal.personId)!, other))
      throw new AppError('ERR_CHAT_CONTACT_NOT_ALLOWED');
    const directKey = [principal.personId, otherPersonId].sort().join(':');
    const existing = await this.db.query<{ id: string }>(
      'SELECT id FROM channels WHERE direct_key = $1 AND org_id = $2',
      [directKey, principal.orgId],
    );
    if (existing.rows[0]) return getChannel(this.db, principal, existing.rows[0].id);
    try {
      const { channelId, seqs } = await this.db.transaction((tx) =>
        createChannel(
          tx,
          {
            orgId: principal.orgId,
            kind: 'direct',
            name: null,
            directKey,
            createdBy: principal.personId,
            members: [
              { personId: principal.personId, role: 'member' },
              { personId: otherPersonId, role: 'member' },
            ],
          },
          this.clock(),
        ),
      );
      await this.delivery.pushBySeq(channelId, seqs);
      return getChannel(this.db, principal, channelId);
    } catch (error) {
      // Both people opened the conversation at the same moment: use the one that won.
      if (isUniqueViolation(error)) return this.openDirect(principal, otherPersonId);
      throw error;
    }
  }

  async createGroup(principal: Principal, name: string, memberIds: readonly string[]): Promise<Channel> {
    if (!mayCreateGroup(principal.role)) throw new AppError('ERR_FORBIDDEN');
    const others = [...new Set(memberIds)].filter((personId) => personId !== principal.personId);
    await this.assertMayAdd(principal, others);
    const { channelId, seqs } = await this.db.transaction(async (tx) => {
      const created = await createChannel(
        tx,
        {
          orgId: principal.orgId,
          kind: 'group',
          name,
          createdBy: principal.personId,
          members: [
            { personId: principal.personId, role: 'owner' },
            ...others.map((personId) => ({ personId, role: 'member' as const })),
          ],
        },
        this.clock(),
      );
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'channel.group_created',
        subjectType: 'channel',
        subjectId: created.channelId,
        details: { members: others.length + 1 },
      });
      return created;
    });
    await this.delivery.pushBySeq(channelId, seqs);
    return getChannel(this.db, principal, channelId);
  }

  /** Moderators add people they themselves may contact (a trainer adds their residents). */
  private async assertMayAdd(principal: Principal, personIds: readonly string[]): Promise<void> {
    if (personIds.length === 0) return;
    const facts = await personFacts(this.db, principal.orgId, [principal.personId, ...personIds]);
    const me = facts.get(principal.personId)!;
    for (const personId of personIds) {
      const other = facts.get(personId);
      if (!other) throw new AppError('ERR_NOT_FOUND', 'person not found');
      if (!mayOpenDirect(me, other)) throw new AppError('ERR_CHAT_CONTACT_NOT_ALLOWED');
    }
  }

  async addMember(
    principal: Principal,
    channelId: string,
    personId: string,
    role: Exclude<ChannelRole, 'owner'>,
  ): Promise<Channel> {
    await this.assertMayAdd(principal, [personId]);
    const seq = await this.db.transaction(async (tx) => {
      const membership = await requireMembership(tx, principal, channelId, { lock: true });
      if (membersFollowTheQueue(membership.channel.kind)) throw new AppError('ERR_CHAT_MANAGED_BY_QUEUE');
      if (!mayManageMembers(membership.channel.kind, membership.role))
        throw new AppError('ERR_CHAT_ROLE_REQUIRED');
      const already = await tx.query(
        'SELECT 1 FROM channel_members WHERE channel_id = $1 AND person_id = $2 AND left_seq IS NULL',
        [channelId, personId],
      );
      if (already.rowCount > 0) return null;
      const added = await addMember(tx, membership.channel, personId, role, principal.personId, this.clock());
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'channel.member_added',
        subjectType: 'channel',
        subjectId: channelId,
        details: { personId, role },
      });
      return added;
    });
    if (seq !== null) await this.delivery.pushBySeq(channelId, [seq]);
    return getChannel(this.db, principal, channelId);
  }

  /** Removes a member (moderators) or leaves (anyone, from a group). */
  async removeMember(principal: Principal, channelId: string, personId: string): Promise<void> {
    const seq = await this.db.transaction(async (tx) => {
      const membership = await requireMembership(tx, principal, channelId, { lock: true });
      if (membersFollowTheQueue(membership.channel.kind)) throw new AppError('ERR_CHAT_MANAGED_BY_QUEUE');
      const leaving = personId === principal.personId;
      if (
        leaving
          ? !mayLeave(membership.channel.kind)
          : !mayManageMembers(membership.channel.kind, membership.role)
      ) {
        throw new AppError(leaving ? 'ERR_FORBIDDEN' : 'ERR_CHAT_ROLE_REQUIRED');
      }
      const removed = await removeMember(tx, membership.channel, personId, principal.personId, this.clock());
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: leaving ? 'channel.member_left' : 'channel.member_removed',
        subjectType: 'channel',
        subjectId: channelId,
        details: { personId },
      });
      return removed;
    });
    // The removed person hears of it too, so their clients stop showing the channel as active.
    await this.delivery.pushBySeq(channelId, [seq], [personId]);
  }

  async changeSettings(
    principal: Principal,
    channelId: string,
    disappearingSeconds: number | null,
  ): Promise<Channel> {
    const seq = await this.db.transaction(async (tx) => {
      const membership = await requireMembership(tx, principal, channelId, { lock: true });
      if (!mayChangeSettings(membership.channel.kind, membership.role))
        throw new AppError('ERR_CHAT_ROLE_REQUIRED');
      await tx.query('UPDATE channels SET disappearing_seconds = $2 WHERE id = $1', [
        channelId,
        disappearingSeconds,
      ]);
      return appendEvent(
        tx,
        membership.channel,
        { kind: 'settings_changed', data: { disappearingSeconds, byPersonId: principal.personId } },
        this.clock(),
      );
    });
    await this.delivery.pushBySeq(channelId, [seq]);
    return getChannel(this.db, principal, channelId);
  }

  // ---- For other services (scheduling): office-hour conversations ------------------------

  /**
   * An end-to-end encrypted conversation between a resident and the workers who may pick it
   * up. Members are managed by the scheduling service (transfer adds a colleague).
   */
  async openOfficeHour(spec: {
    orgId: string;
    residentId: string;
    workerIds: readonly string[];
    name: string;
  }): Promise<string> {
    const { channelId, seqs } = await this.db.transaction((tx) =>
      createChannel(
        tx,
        {
          orgId: spec.orgId,
          kind: 'office_hour',
          name: spec.name,
          createdBy: spec.residentId,
          members: [
            { personId: spec.residentId, role: 'member' },
            ...spec.workerIds
              .filter((id) => id !== spec.residentId)
              .map((personId) => ({ personId, role: 'moderator' as const })),
          ],
        },
        this.clock(),
      ),
    );
    await this.delivery.pushBySeq(channelId, seqs);
    return channelId;
  }

  /**
   * Adds or removes a member on behalf of a service rule (no caller permission check), inside
   * the caller's transaction, so the rule's own state and the membership commit together.
   * Returns what to {@link publish} after the commit, or null if nothing changed.
   */
  async changeMembershipIn(
    tx: Queryable,
    channel: { orgId: string; channelId: string },
    change: {
      personId: string;
      member: boolean;
      role?: Exclude<ChannelRole, 'owner'>;
      byPersonId: string | null;
    },
  ): Promise<MembershipPublication | null> {
    const { rows } = await tx.query<{ id: string; org_id: string }>(
      'SELECT id, org_id FROM channels WHERE id = $1 AND org_id = $2 FOR NO KEY UPDATE',
      [channel.channelId, channel.orgId],
    );
    if (!rows[0]) throw new AppError('ERR_NOT_FOUND', 'channel not found');
    const current = await tx.query(
      'SELECT 1 FROM channel_members WHERE channel_id = $1 AND person_id = $2 AND left_seq IS NULL',
      [channel.channelId, change.personId],
    );
    if (current.rowCount > 0 === change.member) return null;
    const seq = change.member
      ? await addMember(
          tx,
          rows[0],
          change.personId,
          change.role ?? 'moderator',
          change.byPersonId,
          this.clock(),
        )
      : await removeMember(tx, rows[0], change.personId, change.byPersonId ?? change.personId, this.clock());
    return {
      channelId: channel.channelId,
      seq,
      ...(change.member ? {} : { removedPersonId: change.personId }),
    };
  }

  /** Pushes committed membership changes to the members' devices (and to whoever was removed). */
  async publish(publications: readonly MembershipPublication[]): Promise<void> {
    for (const { channelId, seq, removedPersonId } of publications) {
      await this.delivery.pushBySeq(channelId, [seq], removedPersonId ? [removedPersonId] : []);
    }
  }

  /** {@link changeMembershipIn} in a transaction of its own, published at once. */
  async setMembership(
    channel: { orgId: string; channelId: string },
    change: {
      personId: string;
      member: boolean;
      role?: Exclude<ChannelRole, 'owner'>;
      byPersonId: string | null;
    },
  ): Promise<void> {
    const publication = await this.db.transaction((tx) => this.changeMembershipIn(tx, channel, change));
    if (publication) await this.publish([publication]);
  }

  async devices(principal: Principal, channelId: string): Promise<ChannelDevice[]> {
    await requireMembership(this.db, principal, channelId);
    return memberDevices(this.db, channelId);
  }
}
