import { z } from 'zod';
import { id } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { entryParams, teamParams } from './params.ts';
import { timeZone, utcInstant, zonedInstant } from './time.ts';

/**
 * The live queue of office hours: queue settings and phase, joining (live, or outside hours as a
 * question left for the next opening), the worker's commands, and what residents and workers see.
 */

export const queueSettings = z.strictObject({
  /** Assign the longest-waiting resident to the least-busy worker on duty, instead of workers picking. */
  autoAssign: z.boolean().default(false),
  /** At closing time: keep waiting residents for the next opening, or let the workers on duty finish them. */
  whenHoursEnd: z.enum(['keep_queued', 'finish_queue']).default('keep_queued'),
  maxConcurrentPerWorker: z.number().int().min(1).max(20).default(3),
});
export type QueueSettings = z.infer<typeof queueSettings>;

/** `finishing`: hours have ended and workers finish those who were waiting at closing time. */
export const queueMode = z.enum(['open', 'finishing', 'closed']);
export type QueueMode = z.infer<typeof queueMode>;

export const closeOutcome = z.enum([
  'resolved',
  'referred',
  'appointment_booked',
  'follow_up_needed',
  'no_response',
  'other',
]);
export type CloseOutcome = z.infer<typeof closeOutcome>;

/** What a join outside hours does: refuse, or leave a question that waits for the next opening. */
export const whenClosedChoice = z.enum(['reject', 'leave_question']);
export type WhenClosedChoice = z.infer<typeof whenClosedChoice>;

/** Resident starts an office-hour conversation. Outside hours only as a question waiting for the opening. */
export const joinQueueBody = z.strictObject({
  whenClosed: whenClosedChoice.default('reject'),
  /** The resident's own zone, for the times they are shown (default Europe/Amsterdam). */
  timeZone: timeZone.optional(),
});
/** Worker takes the next resident; `expectedEntryId` is what their screen showed (refused if taken meanwhile). */
export const pickNextBody = z.strictObject({ expectedEntryId: id.optional() });
export const transferBody = z.strictObject({ toWorkerId: id });
export const closeConversationBody = z.strictObject({ outcome: closeOutcome });

export const waitEstimate = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('estimate'),
    seconds: z.number().int().min(0),
    /** `default`: too little recent history, a configured typical handling time was used. */
    basis: z.enum(['recent_handling', 'default']),
  }),
  z.strictObject({ kind: z.literal('unknown'), reason: z.enum(['closed', 'no_workers_on_duty']) }),
]);
export type WaitEstimate = z.infer<typeof waitEstimate>;

export const residentQueueView = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('waiting'),
    entryId: id,
    /** 1 = next in line. */
    position: z.number().int().min(1),
    waitEstimate,
    mode: queueMode,
    /** When the queue is closed for this resident: the next opening (also in the resident's zone). */
    opensAt: zonedInstant.nullable(),
  }),
  z.strictObject({ status: z.literal('assigned'), entryId: id, assignedAt: utcInstant }),
  z.strictObject({ status: z.literal('on_hold'), entryId: id, heldAt: utcInstant }),
]);
export type ResidentQueueView = z.infer<typeof residentQueueView>;

export const workerQueueView = z.strictObject({
  mode: queueMode,
  closesAt: zonedInstant.nullable(),
  opensAt: zonedInstant.nullable(),
  waiting: z
    .array(
      z.strictObject({
        entryId: id,
        position: z.number().int().min(1),
        joinedAt: utcInstant,
        waitingSeconds: z.number().int().min(0),
        /** Can be picked now (false for questions left after closing, until the next opening). */
        pickable: z.boolean(),
      }),
    )
    .max(1000),
  active: z
    .array(
      z.discriminatedUnion('status', [
        z.strictObject({ status: z.literal('assigned'), entryId: id, workerId: id, assignedAt: utcInstant }),
        z.strictObject({
          status: z.literal('on_hold'),
          entryId: id,
          workerId: id,
          assignedAt: utcInstant,
          heldAt: utcInstant,
        }),
      ]),
    )
    .max(1000),
  staff: z
    .array(
      z.strictObject({
        workerId: id,
        activeCount: z.number().int().min(0),
        onHoldCount: z.number().int().min(0),
        capacity: z.number().int().min(1),
      }),
    )
    .max(200),
  nextWaitEstimate: waitEstimate,
});
export type WorkerQueueView = z.infer<typeof workerQueueView>;

export const queueEntryStatus = z.enum(['waiting', 'assigned', 'on_hold', 'closed', 'left']);
export type QueueEntryStatus = z.infer<typeof queueEntryStatus>;

/** One office-hour conversation as the queue sees it (for workers of the team). */
export const queueConversation = z.strictObject({
  entryId: id,
  teamId: id,
  /** The end-to-end encrypted chat channel of the conversation. */
  channelId: id,
  residentId: id,
  status: queueEntryStatus,
  workerId: id.nullable(),
  asQuestion: z.boolean(),
  joinedAt: utcInstant,
});
export type QueueConversation = z.infer<typeof queueConversation>;

/** The live queue of a team as workers see it (REST answer and `scheduling:queue` event). */
export const teamQueue = z.strictObject({
  teamId: id,
  view: workerQueueView,
  conversations: z.array(queueConversation).max(2000),
});
export type TeamQueue = z.infer<typeof teamQueue>;

/** A resident's own queue entry (REST answer and `scheduling:queue:entry` event). */
export const residentQueueEntry = z.strictObject({
  entryId: id,
  teamId: id,
  channelId: id,
  asQuestion: z.boolean(),
  joinedAt: utcInstant,
  /** Place, wait estimate or assignment; null once the conversation has ended. */
  view: residentQueueView.nullable(),
  ended: z.strictObject({ reason: z.enum(['closed', 'left']), outcome: closeOutcome.nullable() }).nullable(),
});
export type ResidentQueueEntry = z.infer<typeof residentQueueEntry>;

// ---- Endpoints ------------------------------------------------------------------------

const queueTags = ['queue'];

/**
 * The live queue: residents join (outside hours as a question for the next opening), follow
 * and leave their conversation; workers see the team's queue and pick, hold, transfer, close.
 */
export const queueEndpoints = {
  join: endpoint({
    method: 'POST',
    path: '/v1/scheduling/teams/:teamId/queue',
    access: 'device',
    tags: queueTags,
    summary:
      'Start an office-hour conversation (residents); outside hours as a question for the next opening',
    params: teamParams,
    body: joinQueueBody,
    status: 201,
    response: residentQueueEntry,
  }),
  teamQueue: endpoint({
    method: 'GET',
    path: '/v1/scheduling/teams/:teamId/queue',
    access: 'device',
    tags: queueTags,
    summary: 'The live queue as workers see it (also pushed as scheduling:queue to watchers)',
    params: teamParams,
    response: teamQueue,
  }),
  pick: endpoint({
    method: 'POST',
    path: '/v1/scheduling/teams/:teamId/queue/pick',
    access: 'device',
    tags: queueTags,
    summary: 'Take the longest-waiting resident',
    params: teamParams,
    body: pickNextBody,
    response: queueConversation,
  }),
  ownEntries: endpoint({
    method: 'GET',
    path: '/v1/scheduling/queue/mine',
    access: 'device',
    tags: queueTags,
    summary: 'Your own conversations in office-hour queues (place, estimated wait, assignment)',
    response: z.strictObject({ entries: z.array(residentQueueEntry) }),
  }),
  leave: endpoint({
    method: 'DELETE',
    path: '/v1/scheduling/queue/:entryId',
    access: 'device',
    tags: queueTags,
    summary: 'Leave the queue, or end the conversation (residents)',
    params: entryParams,
    status: 204,
  }),
  transfer: endpoint({
    method: 'POST',
    path: '/v1/scheduling/queue/:entryId/transfer',
    access: 'device',
    tags: queueTags,
    params: entryParams,
    body: transferBody,
    response: queueConversation,
  }),
  hold: endpoint({
    method: 'POST',
    path: '/v1/scheduling/queue/:entryId/hold',
    access: 'device',
    tags: queueTags,
    params: entryParams,
    response: queueConversation,
  }),
  resume: endpoint({
    method: 'POST',
    path: '/v1/scheduling/queue/:entryId/resume',
    access: 'device',
    tags: queueTags,
    params: entryParams,
    response: queueConversation,
  }),
  close: endpoint({
    method: 'POST',
    path: '/v1/scheduling/queue/:entryId/close',
    access: 'device',
    tags: queueTags,
    summary: 'Close the conversation with an outcome',
    params: entryParams,
    body: closeConversationBody,
    response: queueConversation,
  }),
} as const;
