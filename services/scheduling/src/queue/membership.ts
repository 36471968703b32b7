import type { FastifyBaseLogger } from 'fastify';
import type { ChatApi } from '@spreekuur/chat';
import type { Queryable } from '@spreekuur/db';
import { entriesByIds, isLive, type MembershipChange } from '../store/queue-store.ts';

/**
 * Applies channel membership changes after the queue transaction committed (the chat service runs
 * its own transactions, and embedded PostgreSQL has one connection, so this cannot happen inside
 * ours). Who is a member when is decided in the queue transaction and stored as the entry's
 * `reader_ids`; this only carries it out:
 *
 * - joining: the resident plus the workers taking conversations at that moment;
 * - while waiting: workers who come on duty are added;
 * - pick-up and transfer: the worker who takes it is added if not a member yet (earlier readers stay
 *   until the end, so a transfer to a colleague who was on duty at the start keeps the history);
 * - closed or left: every worker is removed; the resident keeps the channel and its history.
 *
 * Additions are skipped for conversations that ended in the meantime, so a late addition cannot
 * reopen a closed conversation to a worker.
 */
export async function applyMembershipChanges(
  db: Queryable,
  chat: ChatApi,
  changes: readonly MembershipChange[],
  log: FastifyBaseLogger,
): Promise<void> {
  if (changes.length === 0) return;
  const withAdditions = changes.filter((change) => change.add.length > 0).map((change) => change.entryId);
  const live = new Set(
    (await entriesByIds(db, withAdditions)).filter((row) => isLive(row)).map((row) => row.id),
  );
  for (const change of changes) {
    const channel = { orgId: change.orgId, channelId: change.channelId };
    const steps = [
      ...(live.has(change.entryId) ? change.add.map((personId) => ({ personId, member: true })) : []),
      ...change.remove.map((personId) => ({ personId, member: false })),
    ];
    for (const step of steps) {
      try {
        await chat.channels.setMembership(channel, {
          personId: step.personId,
          member: step.member,
          role: 'moderator',
          byPersonId: change.byPersonId,
        });
      } catch (error) {
        log.error(
          { err: error, entry: change.entryId, channel: change.channelId, person: step.personId },
          'office-hour channel membership change failed',
        );
      }
    }
  }
}
