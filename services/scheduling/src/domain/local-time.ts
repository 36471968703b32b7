import { DateTime, IANAZone } from 'luxon';
import type { LocalDate, TimeOfDay, ZonedInstant } from '@spreekuur/protocol/scheduling';

export type { LocalDate };

/** Half-open span of real time, `[start, end)`. */
export interface Interval {
  readonly start: Date;
  readonly end: Date;
}

const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * Which instant a wall-clock time means when the clock shows it twice (the repeated hour in autumn):
 * the first occurrence (`earliest`, used for range starts) or the second (`latest`, for range ends).
 */
export type RepeatedTimeChoice = 'earliest' | 'latest';

function zone(name: string): IANAZone {
  const found = IANAZone.create(name);
  // Zones come from validated settings; an unknown one here is a programming error.
  if (!found.isValid) throw new RangeError(`unknown time zone: ${name}`);
  return found;
}

/** `'09:30'` → 570; `'24:00'` → 1440. */
export function minutesOfDay(time: TimeOfDay): number {
  const [hours, minutes] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

/** 570 → `'09:30'`; 1440 → `'24:00'`. */
export function timeOfDayFromMinutes(total: number): TimeOfDay {
  const hours = Math.floor(total / 60);
  const minutes = total % 60;
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`;
}

function parseLocalDate(date: LocalDate): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number);
  if (year === undefined || month === undefined || day === undefined)
    throw new RangeError(`bad date: ${date}`);
  return { year, month, day };
}

/** Calendar arithmetic on dates; no zone involved. */
export function addDays(date: LocalDate, days: number): LocalDate {
  const { year, month, day } = parseLocalDate(date);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** 1 = Monday … 7 = Sunday. */
export function isoWeekday(date: LocalDate): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  const { year, month, day } = parseLocalDate(date);
  const sundayBased = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return (sundayBased === 0 ? 7 : sundayBased) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

/** The calendar date an instant falls on in a zone. */
export function localDateOf(instant: Date, timeZone: string): LocalDate {
  const date = DateTime.fromMillis(instant.getTime(), { zone: zone(timeZone) }).toISODate();
  if (date === null) throw new RangeError(`invalid instant: ${String(instant)}`);
  return date;
}

/** Wall-clock `HH:mm` of an instant in a zone. */
export function localTimeOf(instant: Date, timeZone: string): TimeOfDay {
  return DateTime.fromMillis(instant.getTime(), { zone: zone(timeZone) }).toFormat('HH:mm');
}

/**
 * The instant at which the wall clock in `timeZone` shows `minutes` past midnight on `date`
 * (1440 = midnight at the end of the day). The two DST cases (see README.md):
 *
 * - skipped time (spring forward, 02:00–03:00 in Amsterdam): the instant the clock jumps, i.e.
 *   02:30 → 03:00 local. A range touching the skipped hour is shortened; one inside it is empty.
 * - repeated time (fall back, 02:00–03:00 shown twice): `choice` picks the first or second occurrence.
 */
export function wallClockToInstant(
  date: LocalDate,
  minutes: number,
  timeZone: string,
  choice: RepeatedTimeChoice,
): Date {
  const key = `${timeZone}|${date}|${minutes}|${choice}`;
  let instant = conversions.get(key);
  if (instant === undefined) {
    if (conversions.size >= MAX_CACHED_CONVERSIONS) conversions.clear();
    instant = convertWallClock(date, minutes, timeZone, choice);
    conversions.set(key, instant);
  }
  return new Date(instant);
}

/**
 * Zone lookups cost ~10 µs each (Intl), and schedules convert the same few wall-clock times over
 * and over. The answer depends only on the key, so caching keeps the function pure.
 */
const conversions = new Map<string, number>();
const MAX_CACHED_CONVERSIONS = 20_000;

function convertWallClock(
  date: LocalDate,
  minutes: number,
  timeZone: string,
  choice: RepeatedTimeChoice,
): number {
  const tz = zone(timeZone);
  const { year, month, day } = parseLocalDate(date);
  // The wall-clock reading as if it were UTC; the real instant is this minus the zone's offset.
  const asIfUtc = Date.UTC(year, month - 1, day, 0, minutes);
  const offsetsNearby = new Set([
    tz.offset(asIfUtc - DAY_MS),
    tz.offset(asIfUtc),
    tz.offset(asIfUtc + DAY_MS),
  ]);
  const matches = [...offsetsNearby]
    .map((offset) => asIfUtc - offset * MINUTE_MS)
    .filter((instant) => asIfUtc - tz.offset(instant) * MINUTE_MS === instant)
    .sort((a, b) => a - b);

  const first = matches[0];
  const last = matches[matches.length - 1];
  if (first !== undefined && last !== undefined) return choice === 'earliest' ? first : last;
  return transitionInGap(tz, asIfUtc, offsetsNearby);
}

/** The instant the clock jumps over the skipped wall-clock time `asIfUtc` (binary search, ms precision). */
function transitionInGap(tz: IANAZone, asIfUtc: number, offsets: ReadonlySet<number>): number {
  const largest = Math.max(...offsets);
  const smallest = Math.min(...offsets);
  // Before the jump the smaller offset applies, after it the larger one.
  let before = asIfUtc - largest * MINUTE_MS;
  let after = asIfUtc - smallest * MINUTE_MS;
  const offsetAfter = tz.offset(after);
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (tz.offset(middle) === offsetAfter) after = middle;
    else before = middle;
  }
  return after;
}

/** Midnight at the start of `date` in the zone (or the first instant of the day if midnight is skipped). */
export function startOfLocalDay(date: LocalDate, timeZone: string): Date {
  return wallClockToInstant(date, 0, timeZone, 'earliest');
}

/** `2025-03-30T07:00:00Z`: the one UTC text form the scheduling service sends and stores. */
export function toUtcIso(instant: Date): string {
  return instant.toISOString().replace('.000Z', 'Z');
}

/** An instant in UTC plus how the wall clock reads in `timeZone`, for display to a person in that zone. */
export function toZonedInstant(instant: Date, timeZone: string): ZonedInstant {
  const local = DateTime.fromMillis(instant.getTime(), { zone: zone(timeZone) }).toISO({
    suppressMilliseconds: true,
  });
  if (local === null) throw new RangeError(`invalid instant: ${String(instant)}`);
  return { utc: toUtcIso(instant), local, timeZone };
}

export function addMinutes(instant: Date, minutes: number): Date {
  return new Date(instant.getTime() + minutes * MINUTE_MS);
}

export function overlaps(a: Interval, b: Interval): boolean {
  return a.start < b.end && b.start < a.end;
}

export function contains(interval: Interval, instant: Date): boolean {
  return interval.start <= instant && instant < interval.end;
}

/** Sorts and unites overlapping or touching intervals; drops empty ones. */
export function mergeIntervals(intervals: readonly Interval[]): Interval[] {
  const sorted = intervals.filter((interval) => interval.start < interval.end).sort(byStart);
  const merged: Interval[] = [];
  for (const interval of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && interval.start <= previous.end) {
      if (interval.end > previous.end)
        merged[merged.length - 1] = { start: previous.start, end: interval.end };
    } else merged.push(interval);
  }
  return merged;
}

function byStart(a: Interval, b: Interval): number {
  return a.start.getTime() - b.start.getTime();
}

export function maxDate(a: Date, b: Date): Date {
  return a >= b ? a : b;
}

export function minDate(a: Date, b: Date): Date {
  return a <= b ? a : b;
}
