/** What opening a group link does, over plain data (no I/O). */

export interface JoinContext {
  linkRevoked: boolean;
  member: boolean;
  banned: boolean;
  pending: boolean;
  approvalRequired: boolean;
}

export type JoinDecision =
  | { outcome: 'refused'; code: 'ERR_MOD_LINK_REVOKED' | 'ERR_MOD_BANNED' }
  /** Nothing to do: already a member, or already waiting. */
  | { outcome: 'unchanged'; status: 'joined' | 'pending' }
  | { outcome: 'request' }
  | { outcome: 'join' };

/**
 * A revoked link opens nothing, and a ban keeps the person out whatever link they hold. A
 * member stays one; otherwise they join at once, or ask when the group requires approval.
 */
export function joinDecision(context: JoinContext): JoinDecision {
  if (context.linkRevoked) return { outcome: 'refused', code: 'ERR_MOD_LINK_REVOKED' };
  if (context.member) return { outcome: 'unchanged', status: 'joined' };
  if (context.banned) return { outcome: 'refused', code: 'ERR_MOD_BANNED' };
  if (context.pending) return { outcome: 'unchanged', status: 'pending' };
  return context.approvalRequired ? { outcome: 'request' } : { outcome: 'join' };
}
