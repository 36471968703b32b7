import { z } from 'zod';
import { schedulingNotification } from './notifications.ts';
import { teamParams } from './params.ts';
import { residentQueueEntry, teamQueue } from './queue.ts';

/** socket.io events of the scheduling service (payloads validated like REST bodies). */

/** Client → server events (ack `{ ok, data }` as everywhere). */
export const schedulingClientEvents = {
  /** Workers and admins of the team: receive `scheduling:queue` on every change; answers the current queue. */
  'scheduling:queue:watch': { payload: teamParams, ack: teamQueue },
  'scheduling:queue:unwatch': { payload: teamParams, ack: z.object({}) },
} as const;

/** Server → client events. */
export const schedulingServerEvents = {
  /** To workers watching a team: the queue after every change. */
  'scheduling:queue': teamQueue,
  /** To a resident: their own entry after every change (place, estimate, assignment, end). */
  'scheduling:queue:entry': residentQueueEntry,
  /** To a person: a new in-app notification (workers only while reachable). */
  'scheduling:notification': schedulingNotification,
} as const;
