import { z } from 'zod';
import { id } from '../common.ts';

// Typing and presence: ephemeral signals, never stored (apart from the wish to stay hidden).

export const typingBody = z.strictObject({ channelId: id, typing: z.boolean() });
export const typingEvent = z.object({ channelId: id, personId: id, typing: z.boolean() });

export const presenceStatus = z.enum(['online', 'away', 'offline']);
export type PresenceStatus = z.infer<typeof presenceStatus>;
export const setPresenceBody = z.strictObject({
  status: z.enum(['online', 'away']).optional(),
  /** Hide your status from others (they see "offline"); remembered. */
  hidden: z.boolean().optional(),
});
export const watchPresenceBody = z.strictObject({ personIds: z.array(id).min(1).max(200) });
export const presenceEvent = z.object({ personId: id, status: presenceStatus });
export const presenceSettings = z.object({ status: presenceStatus, hidden: z.boolean() });
