import type { Role } from '@spreekuur/protocol/identity';

/** What the contact rules need to know about a person. */
export interface PersonFacts {
  id: string;
  role: Role;
  teamIds: readonly string[];
}

const sharesTeam = (a: PersonFacts, b: PersonFacts) => a.teamIds.some((team) => b.teamIds.includes(team));

/**
 * May `a` start a direct conversation with `b`? Workers and residents of a shared team may,
 * as may colleagues; admins may reach anyone in their organisation. Two residents never
 * may: vulnerable people must not be approachable by strangers (training-group members
 * talk in the group, where a moderator is present).
 */
export function mayOpenDirect(a: PersonFacts, b: PersonFacts): boolean {
  if (a.id === b.id) return false;
  if (a.role === 'resident' && b.role === 'resident') return false;
  if (a.role === 'admin' || b.role === 'admin') return true;
  return sharesTeam(a, b);
}

/** Groups are made by professionals (trainers), never by residents. */
export function mayCreateGroup(role: Role): boolean {
  return role === 'worker' || role === 'admin';
}

/**
 * May `a` fetch `b`'s prekeys? Only to talk: their own other devices, people they may open
 * a direct conversation with, and people they already share a channel with.
 */
export function mayFetchKeysOf(a: PersonFacts, b: PersonFacts, shareAChannel: boolean): boolean {
  return a.id === b.id || shareAChannel || mayOpenDirect(a, b);
}
