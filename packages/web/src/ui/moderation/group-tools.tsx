import type { ChatMessage } from '@spreekuur/client';
import type { Channel } from '@spreekuur/protocol/chat';

/** The moderation actions of a group, under its member list (issue 11). Nothing yet. */
export function GroupTools(_props: { channel: Channel }) {
  return null;
}

/** Actions on one message of a group: report, and for moderators pin or delete. Nothing yet. */
export function MessageTools(_props: { channel: Channel; message: ChatMessage }) {
  return null;
}
