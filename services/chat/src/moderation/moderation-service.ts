import type { Database, Queryable } from '@spreekuur/db';
import { PINS_MAX, type ModerationState } from '@spreekuur/protocol/chat';
import { AppError } from '@spreekuur/protocol/errors';
import type { Principal } from '@spreekuur/server';
import type { MembershipEnded } from '../channels/channel-service.ts';
import type { Delivery } from '../delivery/delivery.ts';
import { removeMember, requireMembership, type Membership } from '../store/channel-store.ts';
import { findMessage } from '../store/event-store.ts';
import { isModerated, mayActOn, mayChangeRoles } from './domain/moderation-rules.ts';
import { runModerationAction, type ApplyAction } from './moderation-action.ts';
import { deleteJoinRequest } from './store/join-store.ts';
import {
  activeRole,
  addBan,
  addPin,
  clearMute,
  countPins,
  loadModerationState,
  removeBan,
  removePin,
  setLocked,
  setMutedUntil,
  setRole,
  setSlowMode,
} from './store/moderation-store.ts';

/**
 * Moderation of group channels: mute, ban, slow mode, lock, pins and roles. Each action is
 * checked, applied and logged (a `moderation` entry in the channel log, and an audit entry with
 * no message content) in one transaction, then pushed to the members' devices.
 */
export class ModerationService {
  constructor(
    readonly db: Database,
    readonly delivery: Delivery,
    readonly clock: () => Date,
    private readonly membershipEnded: MembershipEnded = async () => undefined,
  ) {}

  /** The group's moderation state; any member may read it (the app shows pins, slow mode, own mute). */
  async state(principal: Principal, channelId: string): Promise<ModerationState> {
    const membership = await requireMembership(this.db, principal, channelId);
    if (!isModerated(membership.channel.kind)) throw new AppError('ERR_MOD_GROUPS_ONLY');
    return loadModerationState(this.db, channelId, this.clock());
  }

  mute(principal: Principal, channelId: string, personId: string, seconds: number): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx, membership, now) => {
      await this.requireTarget(tx, principal, membership, personId);
      const until = new Date(now.getTime() + seconds * 1000);
      await setMutedUntil(tx, membership.channel, personId, until);
      return { type: 'muted', personId, until: until.toISOString() };
    });
  }

  unmute(principal: Principal, channelId: string, personId: string): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx) => {
      if (!(await clearMute(tx, channelId, personId))) throw new AppError('ERR_NOT_FOUND', 'not muted');
      return { type: 'unmuted', personId };
    });
  }

  /** Removes the person (if a member) and keeps them out: they cannot be added again until unbanned. */
  ban(principal: Principal, channelId: string, personId: string): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx, membership, now, outcome) => {
      const role = await activeRole(tx, channelId, personId);
      if (role !== null) {
        if (!mayActOn({ personId: principal.personId, role: membership.role }, { personId, role }))
          throw new AppError('ERR_MOD_PROTECTED_MEMBER');
        // Removal is what makes the others' devices rotate their sender keys (SPEC §6.5).
        outcome.seqs.push(await removeMember(tx, membership.channel, personId, principal.personId, now));
        outcome.notify = [personId];
      } else {
        if (personId === principal.personId) throw new AppError('ERR_MOD_PROTECTED_MEMBER');
        await requirePersonOfOrg(tx, principal.orgId, personId);
      }
      // A request to join waiting for approval goes too: a ban keeps them out of every path in.
      await deleteJoinRequest(tx, channelId, personId);
      if (!(await addBan(tx, membership.channel, personId, principal.personId, now))) return null;
      return { type: 'banned', personId };
    });
  }

  unban(principal: Principal, channelId: string, personId: string): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx) => {
      if (!(await removeBan(tx, channelId, personId))) throw new AppError('ERR_NOT_FOUND', 'not banned');
      return { type: 'unbanned', personId };
    });
  }

  setSlowMode(principal: Principal, channelId: string, seconds: number): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx, membership) => {
      await setSlowMode(tx, membership.channel, seconds);
      return { type: 'slow_mode', seconds };
    });
  }

  setLocked(principal: Principal, channelId: string, locked: boolean): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx, membership) => {
      if (membership.channel.announcements_only === locked) return null;
      await setLocked(tx, channelId, locked);
      return { type: 'locked', locked };
    });
  }

  pin(principal: Principal, channelId: string, seq: number): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx, membership, now) => {
      // Only what the moderator can see themselves: from their joining on.
      const message = await findMessage(tx, channelId, seq, membership.joinedSeq);
      if (!message || message.deleted_at !== null) throw new AppError('ERR_NOT_FOUND', 'message not found');
      if ((await countPins(tx, channelId)) >= PINS_MAX) throw new AppError('ERR_MOD_TOO_MANY_PINS');
      if (!(await addPin(tx, membership.channel, seq, principal.personId, now))) return null;
      return { type: 'pinned', targetSeq: seq };
    });
  }

  unpin(principal: Principal, channelId: string, seq: number): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx) => {
      if (!(await removePin(tx, channelId, seq))) throw new AppError('ERR_NOT_FOUND', 'not pinned');
      return { type: 'unpinned', targetSeq: seq };
    });
  }

  /** The owner makes a member moderator, or a moderator member again. */
  setRole(
    principal: Principal,
    channelId: string,
    personId: string,
    role: 'moderator' | 'member',
  ): Promise<ModerationState> {
    return this.act(principal, channelId, async (tx, membership) => {
      if (!mayChangeRoles(membership.channel.kind, membership.role))
        throw new AppError('ERR_CHAT_ROLE_REQUIRED');
      const current = await activeRole(tx, channelId, personId);
      if (current === null) throw new AppError('ERR_NOT_FOUND', 'not a member');
      if (current === 'owner') throw new AppError('ERR_MOD_PROTECTED_MEMBER');
      if (current === role) return null;
      await setRole(tx, channelId, personId, role);
      return { type: 'role_changed', personId, role };
    });
  }

  private async act(principal: Principal, channelId: string, apply: ApplyAction): Promise<ModerationState> {
    const outcome = await runModerationAction(this, principal, channelId, apply);
    // Only a ban removes anyone (`notify` names them).
    for (const personId of outcome.notify ?? [])
      await this.membershipEnded(principal.orgId, channelId, personId);
    return loadModerationState(this.db, channelId, this.clock());
  }

  /** The target of a mute must be a current member the caller may act on. */
  private async requireTarget(
    tx: Queryable,
    principal: Principal,
    membership: Membership,
    personId: string,
  ): Promise<void> {
    const role = await activeRole(tx, membership.channel.id, personId);
    if (role === null) throw new AppError('ERR_NOT_FOUND', 'not a member');
    if (!mayActOn({ personId: principal.personId, role: membership.role }, { personId, role }))
      throw new AppError('ERR_MOD_PROTECTED_MEMBER');
  }
}

async function requirePersonOfOrg(db: Queryable, orgId: string, personId: string): Promise<void> {
  const { rows } = await db.query('SELECT 1 FROM people WHERE id = $1 AND org_id = $2', [personId, orgId]);
  if (rows.length === 0) throw new AppError('ERR_NOT_FOUND', 'person not found');
}
