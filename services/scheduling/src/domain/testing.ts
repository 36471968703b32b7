import {
  openingHours,
  type OpeningHours,
  type OpeningHoursInput,
  type TimeRange,
} from '@spreekuur/protocol/scheduling';
import type { Result } from './errors.ts';
import type { Interval } from './local-time.ts';

/** Helpers shared by the domain's tests (plain data builders; no I/O). */

export const at = (iso: string): Date => new Date(iso);

export function hoursOf(input: OpeningHoursInput): OpeningHours {
  return openingHours.parse(input);
}

/** The same ranges Monday to Friday, closed at the weekend, in Europe/Amsterdam unless told. */
export function weekdayHours(
  ranges: readonly TimeRange[],
  overrides: OpeningHoursInput['overrides'] = [],
  timeZone = 'Europe/Amsterdam',
): OpeningHours {
  const day = [...ranges];
  return hoursOf({
    weekly: { timeZone, days: { monday: day, tuesday: day, wednesday: day, thursday: day, friday: day } },
    overrides,
  });
}

export function unwrap<T>(result: Result<T, { code: string; message: string }>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export function iso(interval: Interval): [string, string] {
  return [interval.start.toISOString(), interval.end.toISOString()];
}

export function hoursLong(interval: Interval): number {
  return (interval.end.getTime() - interval.start.getTime()) / 3_600_000;
}
