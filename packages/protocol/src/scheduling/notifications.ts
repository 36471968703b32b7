import { z } from 'zod';
import { id } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { utcInstant } from './time.ts';

/** In-app notifications: reminders, booking changes and queue news. */

const notificationBase = { id, createdAt: utcInstant, readAt: utcInstant.nullable() };
const appointmentChange = { appointmentId: id, start: utcInstant, byPersonId: id.nullable() };

/** In-app notifications (stored, and pushed as `scheduling:notification`). Ids and times only. */
export const schedulingNotification = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('appointment_reminder'),
    ...notificationBase,
    appointmentId: id,
    start: utcInstant,
    minutesBefore: z.number().int().min(1),
  }),
  z.strictObject({ kind: z.literal('appointment_booked'), ...notificationBase, ...appointmentChange }),
  z.strictObject({ kind: z.literal('appointment_rescheduled'), ...notificationBase, ...appointmentChange }),
  z.strictObject({ kind: z.literal('appointment_cancelled'), ...notificationBase, ...appointmentChange }),
  /** Hours ended: you stay in line; the queue opens again at `opensAt`. */
  z.strictObject({
    kind: z.literal('queue_kept_for_next_opening'),
    ...notificationBase,
    entryId: id,
    teamId: id,
    opensAt: utcInstant.nullable(),
  }),
  /** Hours ended, but a worker will still answer you today. */
  z.strictObject({ kind: z.literal('queue_being_finished'), ...notificationBase, entryId: id, teamId: id }),
  /** Office hours opened: the question you left (or your place kept from before) is now in the queue. */
  z.strictObject({ kind: z.literal('question_in_queue'), ...notificationBase, entryId: id, teamId: id }),
  /** A conversation was assigned (resident: a worker picked it up; worker: assigned or transferred to you). */
  z.strictObject({
    kind: z.literal('conversation_assigned'),
    ...notificationBase,
    entryId: id,
    teamId: id,
    channelId: id,
  }),
]);
export type SchedulingNotification = z.infer<typeof schedulingNotification>;
export type SchedulingNotificationKind = SchedulingNotification['kind'];

export const notificationQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
});
export const markNotificationsReadBody = z.strictObject({ ids: z.array(id).min(1).max(200) });

// ---- Endpoints ------------------------------------------------------------------------

const notificationTags = ['notifications'];

/** Your own in-app notifications (also pushed as `scheduling:notification`). */
export const notificationEndpoints = {
  list: endpoint({
    method: 'GET',
    path: '/v1/scheduling/notifications',
    access: 'device',
    tags: notificationTags,
    query: notificationQuery,
    response: z.strictObject({ notifications: z.array(schedulingNotification).max(200) }),
  }),
  markRead: endpoint({
    method: 'POST',
    path: '/v1/scheduling/notifications/read',
    access: 'device',
    tags: notificationTags,
    body: markNotificationsReadBody,
    response: z.strictObject({ marked: z.number().int() }),
  }),
} as const;
