import type { Channel } from '@spreekuur/protocol/chat';

/** A worker's actions on an office-hour conversation: transfer, close. Nothing yet. */
export function OfficeHourTools(_props: { channel: Channel }) {
  return null;
}
