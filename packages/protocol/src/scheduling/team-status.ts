import { z } from 'zod';
import { id } from '../common.ts';
import { appointmentKind } from './appointments.ts';
import { officeHoursStatus, openingHours } from './office-hours.ts';
import { queueMode, queueSettings } from './queue.ts';
import { utcInstant, zonedInstant } from './time.ts';

/**
 * What a team publishes and what residents see of it. These bring office hours, the queue and
 * appointments together, so they live apart from each.
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
