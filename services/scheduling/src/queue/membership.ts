import type { ChatApi, MembershipPublication } from '@spreekuur/chat';
import type { Queryable } from '@spreekuur/db';
import { entriesByIds, isLive, type MembershipChange } from '../store/queue-store.ts';

/**
 * Carries out channel membership changes inside the queue transaction, so the queue and who
 * can read a conversation commit together (the chat service takes the channel row lock; chat
 * never takes a team lock, so there is no lock cycle). Who is a member when is decided by the
 * queue rules and stored as the entry's `reader_ids`:
 *
 * - joining: the resident plus the workers taking conversations at that moment;
 * - while waiting: workers who come on duty are added;
 * - pick-up and transfer: the worker who takes it is added if not a member yet (earlier readers stay
 *   until the end, so a transfer to a colleague who was on duty at the start keeps the history);
 * - closed or left: every worker is removed; the resident keeps the channel and its history.
 *
 * Returns what to publish to devices once the transaction has committed.
 */
export async function applyMembershipChanges(
  tx: Queryable,
  chat: ChatApi,
  changes: readonly MembershipChange[],
): Promise<MembershipPublication[]> {
  const publications: MembershipPublication[] = [];
  if (changes.length === 0) return publications;
  const withAdditions = changes.filter((change) => change.add.length > 0).map((change) => change.entryId);
  // Additions only to conversations that are still going (as the transition left them).
  const live = new Set(
    (await entriesByIds(tx, withAdditions)).filter((row) => isLive(row)).map((row) => row.id),
  );
  for (const change of changes) {
    const channel = { orgId: change.orgId, channelId: change.channelId };
    const steps = [
      ...(live.has(change.entryId) ? change.add.map((personId) => ({ personId, member: true })) : []),
      ...change.remove.map((personId) => ({ personId, member: false })),
    ];
    for (const step of steps) {
      const publication = await chat.channels.changeMembershipIn(tx, channel, {
        personId: step.personId,
        member: step.member,
        role: 'moderator',
        byPersonId: change.byPersonId,
      });
      if (publication) publications.push(publication);
    }
  }
  return publications;
}
