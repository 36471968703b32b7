import { weekdayNames } from '@spreekuur/protocol/scheduling';

/** Office hours as the scheduling API takes them, for suites that need the queue open or closed. */

const ALL_DAYS = weekdayNames;

/** Open every day, all day, in UTC: the queue is open whenever the test runs. */
export const ALWAYS_OPEN = {
  weekly: {
    timeZone: 'UTC',
    days: Object.fromEntries(ALL_DAYS.map((day) => [day, [{ start: '00:00', end: '24:00' }]])),
  },
  overrides: [],
};

/** Weekdays 09:00–17:00 in Amsterdam. */
export const OFFICE_DAYS = {
  weekly: {
    timeZone: 'Europe/Amsterdam',
    days: Object.fromEntries(ALL_DAYS.slice(0, 5).map((day) => [day, [{ start: '09:00', end: '17:00' }]])),
  },
  overrides: [],
};

/** A local date in a zone, `days` from now (for overrides and slot queries). */
export function localDate(days: number, timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now.getTime() + days * 86_400_000));
}
