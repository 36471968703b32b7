import { z } from 'zod';
import { sequenceNumber } from './channels.ts';
import { channelEvent, deleteMessageBody, sendAck, sendMessageBody } from './messages.ts';
import { reportNotice } from './moderation.ts';
import {
  presenceEvent,
  presenceSettings,
  setPresenceBody,
  typingBody,
  typingEvent,
  watchPresenceBody,
} from './presence.ts';
import { receiptEvent, receiptsBody, syncResult } from './receipts.ts';

/** Client → server socket.io events: the payload, and what the ack carries on success. */
export const chatClientEvents = {
  'chat:send': { payload: sendMessageBody, ack: sendAck },
  'chat:delete': { payload: deleteMessageBody, ack: z.object({ seq: sequenceNumber }) },
  'chat:receipts': { payload: receiptsBody, ack: z.object({ receipts: z.array(receiptEvent) }) },
  'chat:typing': { payload: typingBody, ack: z.object({}) },
  'chat:sync': { payload: z.strictObject({}).optional(), ack: syncResult },
  'presence:set': { payload: setPresenceBody, ack: presenceSettings },
  'presence:watch': { payload: watchPresenceBody, ack: z.object({ presence: z.array(presenceEvent) }) },
} as const;

/** Server → client socket.io events. */
export const chatServerEvents = {
  'chat:event': channelEvent,
  'chat:receipt': receiptEvent,
  'chat:typing': typingEvent,
  'presence:changed': presenceEvent,
  'keys:low': z.object({ remaining: z.number().int() }),
  /** Moderation: a report in a channel you moderate, or the outcome of your own (docs/moderation.md). */
  'moderation:report': reportNotice,
} as const;
