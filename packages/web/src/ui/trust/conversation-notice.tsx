import type { Channel } from '@spreekuur/protocol/chat';

/**
 * Shown at the top of a conversation: a contact's key changed or a new device appeared
 * (issue 14), with the way to compare safety numbers. Nothing yet.
 */
export function TrustNotice(_props: { channel: Channel }) {
  return null;
}
