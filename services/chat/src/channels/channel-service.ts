import type { Database, Queryable } from '@spreekuur/db';
import { isUniqueViolation } from '@spreekuur/db';
import type { Channel, ChannelDevice, ChannelRole, MembershipProof } from '@spreekuur/protocol/chat';
import { AppError } from '@spreekuur/protocol/errors';
import { actorOf, recordAudit, type Principal } from '@spreekuur/server';
import { requireMayOpenDirect } from '../contacts.ts';
import type { Delivery } from '../delivery/delivery.ts';
import {
  mayChangeSettings,
  mayLeave,
  mayManageMembers,
  membersFollowTheQueue,
} from '../domain/channel-permissions.ts';
import { mayCreateGroup } from '../domain/contact-policy.ts';
import {
  addMember,
  createChannel,
  findDirectChannel,
  getChannel,
  isActiveMember,
  listChannels,
  lockChannel,
  memberDevices,
  removeMember,
  requireMembership,
  setDisappearingSeconds,
} from '../store/channel-store.ts';
import { appendEvent } from '../store/event-store.ts';
import { isBanned } from '../moderation/store/moderation-store.ts';

/** Founding members' proofs of a new group, as the creating client sent them. */
type MemberProofs = ReadonlyArray<{ personId: string; proof: MembershipProof }>;

/** A committed membership change, to push to devices. */
export interface MembershipPublication {
  orgId: string;
  channelId: string;
  seq: number;
  removedPersonId?: string;
}

/** A membership change made by a service rule (the queue), not by a member. */
export interface MembershipChange {
  personId: string;
  member: boolean;
  role?: Exclude<ChannelRole, 'owner'>;
  byPersonId: string | null;
}

/** Told after a person's membership of a channel ended (presence watches are reconsidered). */
export type MembershipEnded = (orgId: string, channelId: string, personId: string) => Promise<void>;

/** Channel operations: checks, one transaction, then pushes of what changed. */
export class ChannelService {
  constructor(
    private readonly db: Database,
    private readonly delivery: Delivery,
    private readonly clock: () => Date,
    private readonly membershipEnded: MembershipEnded = async () => undefined,
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
    await requireMayOpenDirect(this.db, principal, [otherPersonId]);
    const directKey = [principal.personId, otherPersonId].sort().join(':');
    const existing = await findDirectChannel(this.db, principal.orgId, directKey);
    if (existing) return getChannel(this.db, principal, existing);
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

  async createGroup(
    principal: Principal,
    name: string,
    memberIds: readonly string[],
    // Crypto SPEC §13.5: stored with each founding entry as sent, never read by the server.
    signed: { channelId?: string | undefined; memberProofs?: MemberProofs | undefined } = {},
  ): Promise<Channel> {
    if (!mayCreateGroup(principal.role)) throw new AppError('ERR_FORBIDDEN');
    const others = [...new Set(memberIds)].filter((personId) => personId !== principal.personId);
    // Moderators add people they themselves may contact (a trainer adds their residents).
    await requireMayOpenDirect(this.db, principal, others);
    const { channelId, seqs } = await this.db.transaction(async (tx) => {
      const created = await createChannel(
        tx,
        {
          orgId: principal.orgId,
          kind: 'group',
          name,
          createdBy: principal.personId,
          ...(signed.channelId ? { id: signed.channelId } : {}),
          members: [
            { personId: principal.personId, role: 'owner' as const },
            ...others.map((personId) => ({ personId, role: 'member' as const })),
          ].map((member) => ({
            ...member,
            proof: signed.memberProofs?.find((entry) => entry.personId === member.personId)?.proof,
          })),
        },
        this.clock(),
      );
      await recordAudit(tx, {
        ...actorOf(principal),
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

  async addMember(
    principal: Principal,
    channelId: string,
    personId: string,
    role: Exclude<ChannelRole, 'owner'>,
    proof?: MembershipProof,
  ): Promise<Channel> {
    await requireMayOpenDirect(this.db, principal, [personId]);
    const seq = await this.db.transaction(async (tx) => {
      const membership = await requireMembership(tx, principal, channelId, { lock: true });
      if (membersFollowTheQueue(membership.channel.kind)) throw new AppError('ERR_CHAT_MANAGED_BY_QUEUE');
      if (!mayManageMembers(membership.channel.kind, membership.role))
        throw new AppError('ERR_CHAT_ROLE_REQUIRED');
      if (await isActiveMember(tx, channelId, personId)) return null;
      // Moderation: a banned person stays out until a moderator lifts the ban.
      if (await isBanned(tx, channelId, personId)) throw new AppError('ERR_MOD_BANNED');
      const added = await addMember(
        tx,
        membership.channel,
        personId,
        role,
        principal.personId,
        this.clock(),
        proof,
      );
      await recordAudit(tx, {
        ...actorOf(principal),
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
        ...actorOf(principal),
        action: leaving ? 'channel.member_left' : 'channel.member_removed',
        subjectType: 'channel',
        subjectId: channelId,
        details: { personId },
      });
      return removed;
    });
    // The removed person hears of it too, so their clients stop showing the channel as active.
    await this.delivery.pushBySeq(channelId, [seq], [personId]);
    await this.membershipEnded(principal.orgId, channelId, personId);
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
      await setDisappearingSeconds(tx, channelId, disappearingSeconds);
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
    change: MembershipChange,
  ): Promise<MembershipPublication | null> {
    const locked = await lockChannel(tx, channel.orgId, channel.channelId);
    if ((await isActiveMember(tx, channel.channelId, change.personId)) === change.member) return null;
    const seq = change.member
      ? await addMember(
          tx,
          locked,
          change.personId,
          change.role ?? 'moderator',
          change.byPersonId,
          this.clock(),
        )
      : await removeMember(tx, locked, change.personId, change.byPersonId ?? change.personId, this.clock());
    return {
      orgId: channel.orgId,
      channelId: channel.channelId,
      seq,
      ...(change.member ? {} : { removedPersonId: change.personId }),
    };
  }

  /** Pushes committed membership changes to the members' devices (and to whoever was removed). */
  async publish(publications: readonly MembershipPublication[]): Promise<void> {
    for (const { orgId, channelId, seq, removedPersonId } of publications) {
      await this.delivery.pushBySeq(channelId, [seq], removedPersonId ? [removedPersonId] : []);
      if (removedPersonId) await this.membershipEnded(orgId, channelId, removedPersonId);
    }
  }

  /** {@link changeMembershipIn} in a transaction of its own, published at once. */
  async setMembership(
    channel: { orgId: string; channelId: string },
    change: MembershipChange,
  ): Promise<void> {
    const publication = await this.db.transaction((tx) => this.changeMembershipIn(tx, channel, change));
    if (publication) await this.publish([publication]);
  }

  async devices(principal: Principal, channelId: string): Promise<ChannelDevice[]> {
    await requireMembership(this.db, principal, channelId);
    return memberDevices(this.db, channelId);
  }
}
