import { z } from 'zod';
import { id } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { appointmentKind } from './appointments.ts';
import { officeHoursStatus, openingHours, schedulingSettings, teamOfficeHours } from './office-hours.ts';
import { teamParams, timeZoneQuery } from './params.ts';
import { queueMode, queueSettings } from './queue.ts';
import { utcInstant, zonedInstant } from './time.ts';

/**
 * What a team publishes and what residents see of it, and the office-hour endpoints that publish
 * and show it. These bring office hours, the queue and appointments together, so they live apart
 * from each.
 */

/** A team's published office hours and queue settings. */
export const teamOfficeHoursDocument = z.strictObject({
  teamId: id,
  /** False until the team publishes hours: until then the team is closed. */
  published: z.boolean(),
  hours: openingHours,
  settings: queueSettings,
  updatedAt: utcInstant.nullable(),
});
export type TeamOfficeHoursDocument = z.infer<typeof teamOfficeHoursDocument>;

/** One coming opening, shown in the reader's zone. */
export const upcomingOpening = z.strictObject({ start: zonedInstant, end: zonedInstant });

/** What a resident sees of a team: open or when it opens, how to go ahead, and the other ways in. */
export const teamStatus = z.strictObject({
  teamId: id,
  officeHours: officeHoursStatus,
  queueMode,
  /**
   * `live`: join the queue now; `question`: leave a question that enters the queue at the next
   * opening; `unavailable`: the team publishes no office hours.
   */
  join: z.enum(['live', 'question', 'unavailable']),
  /** The next openings (up to 14 days ahead). */
  upcoming: z.array(upcomingOpening).max(14),
  /** Every kind of appointment the team offers: face-to-face and phone are never hidden behind chat. */
  appointmentKinds: z.array(appointmentKind),
});
export type TeamStatus = z.infer<typeof teamStatus>;

// ---- Endpoints ------------------------------------------------------------------------

const officeHourTags = ['office hours'];

/** Organisation-wide settings, a team's office hours and queue settings, and its status now. */
export const officeHoursEndpoints = {
  settings: endpoint({
    method: 'GET',
    path: '/v1/scheduling/settings',
    access: 'device',
    tags: officeHourTags,
    response: schedulingSettings,
  }),
  changeSettings: endpoint({
    method: 'PUT',
    path: '/v1/scheduling/settings',
    access: 'device',
    tags: officeHourTags,
    summary: 'Organisation-wide scheduling settings (admins)',
    body: schedulingSettings,
    response: schedulingSettings,
  }),
  hours: endpoint({
    method: 'GET',
    path: '/v1/scheduling/teams/:teamId/office-hours',
    access: 'device',
    tags: officeHourTags,
    params: teamParams,
    response: teamOfficeHoursDocument,
  }),
  publishHours: endpoint({
    method: 'PUT',
    path: '/v1/scheduling/teams/:teamId/office-hours',
    access: 'device',
    tags: officeHourTags,
    summary: 'Publish the weekly schedule (several ranges a day) and date overrides',
    params: teamParams,
    body: teamOfficeHours,
    response: teamOfficeHoursDocument,
  }),
  changeQueueSettings: endpoint({
    method: 'PUT',
    path: '/v1/scheduling/teams/:teamId/queue-settings',
    access: 'device',
    tags: officeHourTags,
    params: teamParams,
    body: queueSettings,
    response: teamOfficeHoursDocument,
  }),
  status: endpoint({
    method: 'GET',
    path: '/v1/scheduling/teams/:teamId/status',
    access: 'device',
    tags: officeHourTags,
    summary: 'Open now or when it opens (in your zone), how to go ahead, and the other ways in',
    params: teamParams,
    query: timeZoneQuery,
    response: teamStatus,
  }),
} as const;
