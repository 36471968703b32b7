import type { Role } from '@spreekuur/protocol/identity';

/** The caller as the privacy rules see them. */
export interface Caller {
  orgId: string;
  personId: string;
  role: Role;
}

/** The person a request is about, as stored (null: no such person in the caller's organisation). */
export interface Target {
  orgId: string;
  personId: string;
  role: Role;
  erased: boolean;
}

export type Decision = 'allowed' | 'not_found' | 'forbidden' | 'last_admin';

/**
 * Exports and erasures concern one person: the person themselves, or an admin of the same
 * organisation. Someone of another organisation, or a person already erased, is "not found"
 * (the same answer as for an id that does not exist, so ids cannot be probed).
 */
export function mayActOn(caller: Caller, target: Target | null): Decision {
  if (!target || target.orgId !== caller.orgId || target.erased) return 'not_found';
  if (target.personId === caller.personId) return 'allowed';
  return caller.role === 'admin' ? 'allowed' : 'not_found';
}

/** An organisation must keep an admin: the last one cannot be erased. */
export function mayErase(caller: Caller, target: Target | null, otherAdmins: number): Decision {
  const decision = mayActOn(caller, target);
  if (decision !== 'allowed') return decision;
  return target!.role === 'admin' && otherAdmins === 0 ? 'last_admin' : 'allowed';
}
