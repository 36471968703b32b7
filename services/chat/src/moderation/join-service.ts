import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@spreekuur/db';
import {
  GROUP_LINKS_MAX,
  type GroupLink,
  type JoinOutcome,
  type JoinRequest,
  type MembershipProof,
  type ModerationState,
} from '@spreekuur/protocol/chat';
import { toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import { actorOf, recordAudit, type Principal } from '@spreekuur/server';
import type { Delivery } from '../delivery/delivery.ts';
import { addMember, isActiveMember, lockChannel, type ChannelRow } from '../store/channel-store.ts';
import { joinDecision } from './domain/join-rules.ts';
import { logModeration, requireModerator, runModerationAction } from './moderation-action.ts';
import {
  addJoinRequest,
  approvalRequired,
  countLinkUse,
  countOpenLinks,
  deleteJoinRequest,
  findLink,
  findLinkByToken,
  hasJoinRequest,
  insertLink,
  listJoinRequests,
  listLinks,
  revokeLink,
  setApprovalRequired,
} from './store/join-store.ts';
import { isBanned, loadModerationState } from './store/moderation-store.ts';

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * Joining a group other than by being added: revocable group links, and approval by a
 * moderator when the group requires it. Moderators' actions go through the same path as every
 * moderation action (log entry + audit, one transaction); a link's token is shown once and
 * only its hash is kept.
 */
export class JoinService {
  constructor(
    readonly db: Database,
    readonly delivery: Delivery,
    readonly clock: () => Date,
  ) {}

  async setApprovalRequired(
    principal: Principal,
    channelId: string,
    required: boolean,
  ): Promise<ModerationState> {
    await runModerationAction(this, principal, channelId, async (tx, membership) => {
      if ((await approvalRequired(tx, channelId)) === required) return null;
      await setApprovalRequired(tx, membership.channel, required);
      return { type: 'approval_required', required };
    });
    return loadModerationState(this.db, channelId, this.clock());
  }

  async createLink(principal: Principal, channelId: string): Promise<{ link: GroupLink; token: string }> {
    const token = toBase64Url(randomBytes(32));
    let link: GroupLink | undefined;
    await runModerationAction(this, principal, channelId, async (tx, membership, now) => {
      if ((await countOpenLinks(tx, channelId)) >= GROUP_LINKS_MAX)
        throw new AppError('ERR_MOD_TOO_MANY_LINKS');
      link = await insertLink(tx, {
        id: randomUUID(),
        channel: membership.channel,
        tokenHash: hashToken(token),
        by: principal.personId,
        at: now,
      });
      return { type: 'link_created', linkId: link.id };
    });
    return { link: link!, token };
  }

  async links(principal: Principal, channelId: string): Promise<GroupLink[]> {
    await requireModerator(this.db, principal, channelId);
    return listLinks(this.db, channelId);
  }

  async revokeLink(principal: Principal, channelId: string, linkId: string): Promise<GroupLink> {
    await runModerationAction(this, principal, channelId, async (tx, _membership, now) => {
      if (await revokeLink(tx, channelId, linkId, principal.personId, now))
        return { type: 'link_revoked', linkId };
      // Revoking twice changes nothing; a link of another group does not exist here.
      if (!(await findLink(tx, channelId, linkId))) throw new AppError('ERR_NOT_FOUND', 'link not found');
      return null;
    });
    return (await findLink(this.db, channelId, linkId))!;
  }

  async joinRequests(principal: Principal, channelId: string): Promise<JoinRequest[]> {
    await requireModerator(this.db, principal, channelId);
    return listJoinRequests(this.db, channelId);
  }

  /** Approve (adds them as a member, like adding by hand) or refuse a request to join. */
  async decide(
    principal: Principal,
    channelId: string,
    personId: string,
    decision: 'approve' | 'refuse',
    // Crypto SPEC §13.5: the approving device's signature, stored with the entry as sent.
    proof?: MembershipProof,
  ): Promise<JoinRequest[]> {
    await runModerationAction(this, principal, channelId, async (tx, membership, now, outcome) => {
      if (!(await deleteJoinRequest(tx, channelId, personId)))
        throw new AppError('ERR_NOT_FOUND', 'no request to join');
      if (decision === 'refuse') return { type: 'join_refused', personId };
      if (await isBanned(tx, channelId, personId)) throw new AppError('ERR_MOD_BANNED');
      outcome.seqs.push(
        await addMember(tx, membership.channel, personId, 'member', principal.personId, now, proof),
      );
      return { type: 'join_approved', personId };
    });
    return listJoinRequests(this.db, channelId);
  }

  /** The group a link leads to, so the app can say what joining means before it is done. */
  async preview(principal: Principal, token: string) {
    const { link, channel } = await this.openLink(this.db, principal, token);
    if (link.revokedAt !== null) throw new AppError('ERR_MOD_LINK_REVOKED');
    const status = (await isActiveMember(this.db, channel.id, principal.personId))
      ? 'member'
      : (await hasJoinRequest(this.db, channel.id, principal.personId))
        ? 'pending'
        : 'none';
    return {
      channelId: channel.id,
      name: channel.name,
      approvalRequired: await approvalRequired(this.db, channel.id),
      status,
    } as const;
  }

  /** Joins through a link, or asks to when the group requires approval. */
  async join(principal: Principal, token: string): Promise<JoinOutcome> {
    const seqs: number[] = [];
    const result = await this.db.transaction(async (tx) => {
      const { link, channel } = await this.openLink(tx, principal, token, { lock: true });
      const now = this.clock();
      const decision = joinDecision({
        linkRevoked: link.revokedAt !== null,
        member: await isActiveMember(tx, channel.id, principal.personId),
        banned: await isBanned(tx, channel.id, principal.personId),
        pending: await hasJoinRequest(tx, channel.id, principal.personId),
        approvalRequired: await approvalRequired(tx, channel.id),
      });
      switch (decision.outcome) {
        case 'refused':
          throw new AppError(decision.code);
        case 'unchanged':
          return { channelId: channel.id, status: decision.status };
        case 'request':
          await addJoinRequest(tx, channel, principal.personId, link.id, now);
          await countLinkUse(tx, link.id);
          seqs.push(
            await logModeration(
              tx,
              channel,
              { type: 'join_requested', personId: principal.personId },
              principal,
              now,
            ),
          );
          return { channelId: channel.id, status: 'pending' as const };
        case 'join':
          seqs.push(await addMember(tx, channel, principal.personId, 'member', principal.personId, now));
          await countLinkUse(tx, link.id);
          await recordAudit(tx, {
            ...actorOf(principal),
            action: 'moderation.link_joined',
            subjectType: 'channel',
            subjectId: channel.id,
            details: { linkId: link.id },
          });
          return { channelId: channel.id, status: 'joined' as const };
      }
    });
    await this.delivery.pushBySeq(result.channelId, seqs);
    return result;
  }

  /**
   * The link a token opens and its group. A token of another organisation opens nothing here,
   * exactly like one that never existed: the caller learns nothing about other organisations.
   */
  private async openLink(
    db: Queryable,
    principal: Principal,
    token: string,
    options: { lock?: boolean } = {},
  ): Promise<{ link: GroupLink; channel: ChannelRow }> {
    const link = await findLinkByToken(db, hashToken(token));
    if (!link || link.orgId !== principal.orgId) throw new AppError('ERR_MOD_LINK_INVALID');
    // The channel row lock orders this join with moderators' actions (a ban, a revoke).
    const channel = options.lock
      ? await lockChannel(db, principal.orgId, link.channelId)
      : await readChannel(db, principal.orgId, link.channelId);
    if (options.lock) {
      // Read again under the lock: a revoke that committed while we waited counts.
      const current = await findLink(db, link.channelId, link.id);
      return { link: current ?? link, channel };
    }
    return { link, channel };
  }
}

async function readChannel(db: Queryable, orgId: string, channelId: string): Promise<ChannelRow> {
  const { rows } = await db.query<ChannelRow>('SELECT * FROM channels WHERE id = $1 AND org_id = $2', [
    channelId,
    orgId,
  ]);
  if (!rows[0]) throw new AppError('ERR_MOD_LINK_INVALID');
  return rows[0];
}
