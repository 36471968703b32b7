import type { ChannelRole } from '@spreekuur/protocol/chat';
import type { ChannelKind } from '../../domain/channel-permissions.ts';

/** Moderation decisions over plain data (no I/O): who may do what, and may this member post now. */

const isModerator = (role: ChannelRole) => role === 'owner' || role === 'moderator';

/** Moderation exists in groups only: direct conversations have no moderators, office hours follow the queue. */
export function isModerated(kind: ChannelKind): boolean {
  return kind === 'group';
}

/** Mute, ban, slow mode, lock, pins and the report queue: the owner and moderators of a group. */
export function mayModerate(kind: ChannelKind, actorRole: ChannelRole): boolean {
  return isModerated(kind) && isModerator(actorRole);
}

/** Making someone moderator (or back) is the owner's alone. */
export function mayChangeRoles(kind: ChannelKind, actorRole: ChannelRole): boolean {
  return isModerated(kind) && actorRole === 'owner';
}

/**
 * Whom a moderator may mute or ban: never the owner, never themselves, and another moderator
 * only when the owner does it (moderators cannot silence each other).
 */
export function mayActOn(
  actor: { personId: string; role: ChannelRole },
  target: { personId: string; role: ChannelRole },
): boolean {
  if (actor.personId === target.personId || target.role === 'owner') return false;
  return target.role === 'member' || actor.role === 'owner';
}

export interface SendContext {
  kind: ChannelKind;
  role: ChannelRole;
  locked: boolean;
  mutedUntil: Date | null;
  slowModeSeconds: number;
  lastMessageAt: Date | null;
  now: Date;
}

export type SendRefusal =
  | { code: 'ERR_MOD_CHANNEL_LOCKED' }
  | { code: 'ERR_MOD_MUTED'; until: Date }
  | { code: 'ERR_MOD_SLOW_MODE'; retryAfterSeconds: number };

/**
 * May this member post in the group now? Owners and moderators always may. A muted member may
 * not until the mute ends; under slow mode a member waits `slowModeSeconds` after their last
 * message, across all their devices.
 */
export function sendRefusal(context: SendContext): SendRefusal | null {
  if (!isModerated(context.kind) || isModerator(context.role)) return null;
  if (context.locked) return { code: 'ERR_MOD_CHANNEL_LOCKED' };
  if (context.mutedUntil && context.mutedUntil > context.now)
    return { code: 'ERR_MOD_MUTED', until: context.mutedUntil };
  if (context.slowModeSeconds > 0 && context.lastMessageAt) {
    const readyAt = context.lastMessageAt.getTime() + context.slowModeSeconds * 1000;
    const waitMs = readyAt - context.now.getTime();
    if (waitMs > 0) return { code: 'ERR_MOD_SLOW_MODE', retryAfterSeconds: Math.ceil(waitMs / 1000) };
  }
  return null;
}

/** Whether a send must record its time for slow mode (only members under slow mode). */
export function tracksSlowMode(kind: ChannelKind, role: ChannelRole, slowModeSeconds: number): boolean {
  return isModerated(kind) && !isModerator(role) && slowModeSeconds > 0;
}

/** Reports: who sees a channel's queue and resolves its reports. */
export const mayHandleReports = mayModerate;
