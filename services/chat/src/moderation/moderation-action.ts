import type { Database, Queryable } from '@spreekuur/db';
import type { ModerationChange } from '@spreekuur/protocol/chat';
import { AppError } from '@spreekuur/protocol/errors';
import { actorOf, recordAudit, type Principal } from '@spreekuur/server';
import type { Delivery } from '../delivery/delivery.ts';
import { requireMembership, type Membership } from '../store/channel-store.ts';
import { appendEvent } from '../store/event-store.ts';
import { isModerated, mayModerate } from './domain/moderation-rules.ts';

/** What one action did besides its own entry: other log entries to push, and who else must hear of them. */
export interface Outcome {
  seqs: number[];
  notify?: string[];
}

export type ApplyAction = (
  tx: Queryable,
  membership: Membership,
  now: Date,
  outcome: Outcome,
) => Promise<ModerationChange | null>;

/**
 * One moderation action, the same way for every kind: lock the channel, check the caller
 * moderates this group, apply, then log (a `moderation` entry in the channel log, so every
 * device sees it) and audit (ids only, never content) in the same transaction; commit, push.
 * `apply` returns null when nothing changed: then nothing is logged.
 */
export async function runModerationAction(
  deps: { db: Database; delivery: Delivery; clock: () => Date },
  principal: Principal,
  channelId: string,
  apply: ApplyAction,
): Promise<Outcome> {
  const outcome: Outcome = { seqs: [] };
  await deps.db.transaction(async (tx) => {
    const membership = await requireMembership(tx, principal, channelId, { lock: true });
    if (!isModerated(membership.channel.kind)) throw new AppError('ERR_MOD_GROUPS_ONLY');
    if (!mayModerate(membership.channel.kind, membership.role)) throw new AppError('ERR_CHAT_ROLE_REQUIRED');
    const now = deps.clock();
    const change = await apply(tx, membership, now, outcome);
    if (!change) return;
    outcome.seqs.push(await logModeration(tx, membership.channel, change, principal, now));
  });
  await deps.delivery.pushBySeq(channelId, outcome.seqs, outcome.notify ?? []);
  return outcome;
}

/** The channel-log entry and the audit entry of one moderation change (inside the caller's transaction). */
export async function logModeration(
  tx: Queryable,
  channel: Membership['channel'],
  change: ModerationChange,
  principal: Principal,
  now: Date,
): Promise<number> {
  const seq = await appendEvent(
    tx,
    channel,
    { kind: 'moderation', data: { change, byPersonId: principal.personId } },
    now,
  );
  await recordAudit(tx, {
    ...actorOf(principal),
    action: `moderation.${change.type}`,
    subjectType: 'channel',
    subjectId: channel.id,
    details: auditDetails(change),
  });
  return seq;
}

/** What the audit log keeps of an action: who and what, never content. */
function auditDetails(change: ModerationChange): Record<string, string | number | boolean> {
  const { type: _type, ...rest } = change;
  return rest;
}

/** Moderator-only reads (links, join requests): a current owner or moderator of the group. */
export async function requireModerator(
  db: Queryable,
  principal: Principal,
  channelId: string,
): Promise<void> {
  const membership = await requireMembership(db, principal, channelId);
  if (!isModerated(membership.channel.kind)) throw new AppError('ERR_MOD_GROUPS_ONLY');
  if (!mayModerate(membership.channel.kind, membership.role)) throw new AppError('ERR_CHAT_ROLE_REQUIRED');
}
