import type { Queryable } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import { mayFetchKeysOf, mayOpenDirect, type PersonFacts } from './domain/contact-policy.ts';
import { shareAChannel } from './store/channel-store.ts';
import { personFacts } from './store/person-store.ts';

/** The contact rules (domain/contact-policy.ts) applied to stored people, for every service. */

type Caller = { orgId: string; personId: string };

/** Throws unless the caller may open a direct conversation with each person (or add them to a group). */
export async function requireMayOpenDirect(
  db: Queryable,
  caller: Caller,
  personIds: readonly string[],
): Promise<void> {
  await requireForEach(db, caller, personIds, async (me, other) => mayOpenDirect(me, other));
}

/** Throws unless the caller may talk to each person: fetch their keys, watch their presence. */
export async function requireMayTalkTo(
  db: Queryable,
  caller: Caller,
  personIds: readonly string[],
): Promise<void> {
  await requireForEach(db, caller, personIds, async (me, other) =>
    mayFetchKeysOf(me, other, await shareAChannel(db, caller.personId, other.id)),
  );
}

/** Which of `personIds` the caller may (still) talk to, by the rule of {@link requireMayTalkTo}. */
export async function mayTalkToEach(
  db: Queryable,
  caller: Caller,
  personIds: readonly string[],
): Promise<Set<string>> {
  const facts = await personFacts(db, caller.orgId, [caller.personId, ...personIds]);
  const me = facts.get(caller.personId);
  const allowed = new Set<string>();
  if (!me) return allowed;
  for (const personId of personIds) {
    const other = facts.get(personId);
    if (other && mayFetchKeysOf(me, other, await shareAChannel(db, caller.personId, other.id)))
      allowed.add(personId);
  }
  return allowed;
}

async function requireForEach(
  db: Queryable,
  caller: Caller,
  personIds: readonly string[],
  allowed: (me: PersonFacts, other: PersonFacts) => Promise<boolean>,
): Promise<void> {
  if (personIds.length === 0) return;
  const facts = await personFacts(db, caller.orgId, [caller.personId, ...personIds]);
  const me = facts.get(caller.personId)!;
  for (const personId of personIds) {
    const other = facts.get(personId);
    if (!other) throw new AppError('ERR_NOT_FOUND', 'person not found');
    if (!(await allowed(me, other))) throw new AppError('ERR_CHAT_CONTACT_NOT_ALLOWED');
  }
}
