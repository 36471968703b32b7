import { z } from 'zod';
import { daysBetween } from './date-span.ts';
import { DEFAULT_TIME_ZONE, dayRanges, localDate, timeZone, zonedInstant } from './time.ts';

/**
 * Office hours: a weekly schedule with closures and exceptions (date overrides), the same shape a
 * worker publishes as availability for appointments; whether a team is open; and the
 * organisation-wide scheduling settings.
 */

/** ISO weekday order: index 0 is Monday (ISO weekday 1), index 6 is Sunday (ISO weekday 7). */
export const weekdayNames = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type WeekdayName = (typeof weekdayNames)[number];

export const weeklySchedule = z.strictObject({
  timeZone: timeZone.default(DEFAULT_TIME_ZONE),
  days: z.strictObject({
    monday: dayRanges.default([]),
    tuesday: dayRanges.default([]),
    wednesday: dayRanges.default([]),
    thursday: dayRanges.default([]),
    friday: dayRanges.default([]),
    saturday: dayRanges.default([]),
    sunday: dayRanges.default([]),
  }),
});
export type WeeklySchedule = z.infer<typeof weeklySchedule>;

const overrideLabel = z.string().trim().min(1).max(100, { error: 'label must be at most 100 characters' });

/** Longest closed date range: a year (a longer closure is a schedule change, not an override). */
export const MAX_CLOSED_RANGE_DAYS = 366;

/**
 * An exception to the weekly schedule. Precedence (most specific wins): an override for a single
 * date, then a closed date range, then the weekly schedule.
 */
export const dateOverride = z.discriminatedUnion('kind', [
  /** Closed all day. */
  z.strictObject({ kind: z.literal('closed'), date: localDate, label: overrideLabel.optional() }),
  /** Closed from `from` through `to`, both inclusive (holidays). */
  z
    .strictObject({
      kind: z.literal('closed_range'),
      from: localDate,
      to: localDate,
      label: overrideLabel.optional(),
    })
    .superRefine((range, ctx) => {
      const days = daysBetween(range.from, range.to);
      if (Number.isNaN(days)) return; // the date formats already failed
      if (days < 0) ctx.addIssue({ code: 'custom', message: '`to` must not be before `from`', path: ['to'] });
      else if (days >= MAX_CLOSED_RANGE_DAYS) {
        ctx.addIssue({
          code: 'custom',
          message: `a closed range spans at most ${MAX_CLOSED_RANGE_DAYS} days`,
          path: ['to'],
        });
      }
    }),
  /**
   * Hours on one date: `replace` uses exactly these ranges (also on a normally closed day or in a
   * holiday); `extra` adds them to the weekly ranges of that weekday.
   */
  z.strictObject({
    kind: z.literal('hours'),
    date: localDate,
    mode: z.enum(['replace', 'extra']),
    ranges: dayRanges.min(1, { error: 'give at least one range (use kind "closed" to close the day)' }),
    label: overrideLabel.optional(),
  }),
]);
export type DateOverride = z.infer<typeof dateOverride>;

export const dateOverrides = z
  .array(dateOverride)
  .max(500, { error: 'at most 500 date overrides' })
  .superRefine((overrides, ctx) => {
    const seen = new Map<string, number>();
    overrides.forEach((override, index) => {
      if (override.kind === 'closed_range') return;
      const earlier = seen.get(override.date);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `only one override per date: ${override.date} is also override ${earlier}`,
          path: [index, 'date'],
        });
      } else seen.set(override.date, index);
    });
  });

/** Weekly schedule plus overrides: a team's office hours, or a worker's availability for appointments. */
export const openingHours = z.strictObject({
  weekly: weeklySchedule,
  overrides: dateOverrides.default([]),
});
export type OpeningHours = z.infer<typeof openingHours>;
export type OpeningHoursInput = z.input<typeof openingHours>;

export const teamOfficeHours = openingHours;
export const workerAvailability = openingHours;

/** The current state of a team's office hours, as residents see it (times also in their own zone). */
export const officeHoursStatus = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('open'), closesAt: zonedInstant.nullable() }),
  z.strictObject({ state: z.literal('closed'), opensAt: zonedInstant.nullable() }),
]);
export type OfficeHoursStatus = z.infer<typeof officeHoursStatus>;

/** Organisation-wide scheduling settings (admins). */
export const schedulingSettings = z.strictObject({
  /** Show residents' names in workers' calendar files and feeds. Off: only the kind of appointment. */
  calendarResidentNames: z.boolean().default(false),
});
export type SchedulingSettings = z.infer<typeof schedulingSettings>;
