import type { ChannelRole } from '@spreekuur/protocol/chat';

export type ChannelKind = 'direct' | 'group' | 'office_hour';

const isModerator = (role: ChannelRole) => role === 'owner' || role === 'moderator';

/**
 * Who takes part in an office-hour conversation is decided by the queue (pick-up, transfer,
 * close), never by hand: otherwise a worker could add an outsider to a resident's question.
 */
export const membersFollowTheQueue = (kind: ChannelKind): boolean => kind === 'office_hour';

/** Adding and removing members of a group is for its owner and moderators. */
export function mayManageMembers(kind: ChannelKind, actorRole: ChannelRole): boolean {
  return kind === 'group' && isModerator(actorRole);
}

/** Anyone may leave a group; a direct conversation has no leaving (archive it instead). */
export function mayLeave(kind: ChannelKind): boolean {
  return kind === 'group';
}

/** A message is deleted for everyone by its sender, or in a group by a moderator. */
export function mayDeleteMessage(
  kind: ChannelKind,
  actor: { personId: string; role: ChannelRole },
  senderPersonId: string,
): boolean {
  return actor.personId === senderPersonId || (kind !== 'direct' && isModerator(actor.role));
}

/** The disappearing-messages timer: any member of a direct conversation, moderators elsewhere. */
export function mayChangeSettings(kind: ChannelKind, actorRole: ChannelRole): boolean {
  return kind === 'direct' || isModerator(actorRole);
}

/** In an announcements-only group only moderators post. */
export function maySend(announcementsOnly: boolean, actorRole: ChannelRole): boolean {
  return !announcementsOnly || isModerator(actorRole);
}
