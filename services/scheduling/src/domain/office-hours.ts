import {
  MAX_CLOSED_RANGE_DAYS,
  weekdayNames,
  type DateOverride,
  type OfficeHoursStatus,
  type OpeningHours,
  type TimeRange,
} from '@spreekuur/protocol/scheduling';
import {
  addDays,
  DAY_MS,
  isoWeekday,
  localDateOf,
  maxDate,
  mergeIntervals,
  minDate,
  minutesOfDay,
  startOfLocalDay,
  timeOfDayFromMinutes,
  toZonedInstant,
  wallClockToInstant,
  type Interval,
  type LocalDate,
} from './local-time.ts';

/**
 * How many local days past today `nextOpening` and friends look before answering "none in sight".
 * Derived from the schema, so it always sees past the longest closure a schedule may hold: that
 * closure may start tomorrow and span `MAX_CLOSED_RANGE_DAYS` dates, and after it the weekly hours
 * come round within one week.
 */
export const DEFAULT_HORIZON_DAYS = MAX_CLOSED_RANGE_DAYS + weekdayNames.length;

/** Where a day's hours came from, so a client can say "closed: Kerstvakantie". */
type DaySource =
  | 'weekly'
  | Exclude<DateOverride['kind'], 'hours'>
  | `hours_${Extract<DateOverride, { kind: 'hours' }>['mode']}`;

export interface ResolvedDay {
  readonly date: LocalDate;
  /** Sorted, touching and overlapping ranges united; empty when closed. */
  readonly ranges: readonly TimeRange[];
  readonly source: DaySource;
  readonly label: string | null;
}

/**
 * The wall-clock ranges of one date. Most specific wins: an override for this single date, then a
 * closed date range covering it, then the weekly schedule for its weekday.
 */
export function resolveDay(hours: OpeningHours, date: LocalDate): ResolvedDay {
  const weekdayName = weekdayNames[isoWeekday(date) - 1];
  const weekly = weekdayName === undefined ? [] : hours.weekly.days[weekdayName];
  const singleDate = hours.overrides.find(
    (override): override is Exclude<DateOverride, { kind: 'closed_range' }> =>
      override.kind !== 'closed_range' && override.date === date,
  );
  const closedRange = hours.overrides.find(
    (override) => override.kind === 'closed_range' && override.from <= date && date <= override.to,
  );
  const label = (singleDate ?? closedRange)?.label ?? null;

  if (singleDate?.kind === 'closed') return { date, ranges: [], source: 'closed', label };
  if (singleDate?.kind === 'hours') {
    if (singleDate.mode === 'replace') {
      return { date, ranges: mergeRanges(singleDate.ranges), source: 'hours_replace', label };
    }
    // Extra hours inside a holiday add to a closed day, not to the weekly hours.
    const base = closedRange === undefined ? weekly : [];
    return { date, ranges: mergeRanges([...base, ...singleDate.ranges]), source: 'hours_extra', label };
  }
  if (closedRange !== undefined) return { date, ranges: [], source: 'closed_range', label };
  return { date, ranges: mergeRanges(weekly), source: 'weekly', label: null };
}

function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const sorted = ranges
    .map((range) => ({ start: minutesOfDay(range.start), end: minutesOfDay(range.end) }))
    .filter((range) => range.start < range.end)
    .sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const range of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && range.start <= previous.end)
      previous.end = Math.max(previous.end, range.end);
    else merged.push({ ...range });
  }
  return merged.map((range) => ({
    start: timeOfDayFromMinutes(range.start),
    end: timeOfDayFromMinutes(range.end),
  }));
}

/**
 * The real-time intervals of one date. A range starts at the first moment the clock shows its
 * start and ends at the last moment the clock shows its end (README.md, "Daylight saving").
 */
export function dayIntervals(hours: OpeningHours, date: LocalDate): Interval[] {
  const zone = hours.weekly.timeZone;
  return mergeIntervals(
    resolveDay(hours, date).ranges.map((range) => ({
      start: wallClockToInstant(date, minutesOfDay(range.start), zone, 'earliest'),
      end: wallClockToInstant(date, minutesOfDay(range.end), zone, 'latest'),
    })),
  );
}

/**
 * Open intervals in order, united across midnight (22:00–24:00 + 00:00–02:00 is one interval),
 * starting with the one that contains or follows `from`, up to `horizonDays` local days ahead.
 * An interval still open at the horizon is cut there and flagged `endsAtHorizon`. The first one
 * may have started before `from`'s date; its `start` is then that date's midnight (callers clip).
 */
function* openIntervalsFrom(
  hours: OpeningHours,
  from: Date,
  horizonDays: number,
): Generator<Interval & { readonly endsAtHorizon: boolean }> {
  const zone = hours.weekly.timeZone;
  const firstDate = localDateOf(from, zone);
  const horizon = startOfLocalDay(addDays(firstDate, horizonDays + 1), zone);
  let pending: Interval | null = null;
  for (let offset = 0; offset <= horizonDays; offset++) {
    for (const interval of dayIntervals(hours, addDays(firstDate, offset))) {
      if (pending !== null && interval.start <= pending.end) {
        pending = { start: pending.start, end: maxDate(pending.end, interval.end) };
        continue;
      }
      if (pending !== null && pending.end > from) yield { ...pending, endsAtHorizon: false };
      pending = interval;
    }
  }
  if (pending !== null && pending.end > from) yield { ...pending, endsAtHorizon: pending.end >= horizon };
}

/** Open intervals overlapping `[from, to)`, clipped to it. */
export function openIntervals(hours: OpeningHours, from: Date, to: Date): Interval[] {
  if (to <= from) return [];
  const spanDays = Math.ceil((to.getTime() - from.getTime()) / DAY_MS) + 1;
  const result: Interval[] = [];
  for (const interval of openIntervalsFrom(hours, from, spanDays)) {
    if (interval.start >= to) break;
    result.push({ start: maxDate(interval.start, from), end: minDate(interval.end, to) });
  }
  return result;
}

export function isOpenAt(hours: OpeningHours, instant: Date): boolean {
  // A date's intervals never leave that date (README: DST rules), so only the instant's own date matters.
  const today = localDateOf(instant, hours.weekly.timeZone);
  return dayIntervals(hours, today).some((interval) => interval.start <= instant && instant < interval.end);
}

/** First instant at or after `now` when open (`now` itself when open now); null if none within the horizon. */
export function nextOpening(hours: OpeningHours, now: Date, horizonDays = DEFAULT_HORIZON_DAYS): Date | null {
  for (const interval of openIntervalsFrom(hours, now, horizonDays)) return maxDate(interval.start, now);
  return null;
}

/**
 * The opening that contains `instant`, or else the next one, from `instant` on; an opening that
 * runs past the horizon ends there. Null: no opening within the horizon.
 */
export function openingFrom(
  hours: OpeningHours,
  instant: Date,
  horizonDays = DEFAULT_HORIZON_DAYS,
): Interval | null {
  for (const interval of openIntervalsFrom(hours, instant, horizonDays)) {
    return { start: maxDate(interval.start, instant), end: interval.end };
  }
  return null;
}

/** When the current opening ends (across midnight if hours continue); null when closed now or open past the horizon. */
export function currentClosing(
  hours: OpeningHours,
  now: Date,
  horizonDays = DEFAULT_HORIZON_DAYS,
): Date | null {
  for (const interval of openIntervalsFrom(hours, now, horizonDays)) {
    if (interval.start > now || interval.endsAtHorizon) return null;
    return interval.end;
  }
  return null;
}

/** The end of the most recent opening that ended at or before `now`; null if none in the look-back. */
export function lastClosing(hours: OpeningHours, now: Date, lookbackDays = 31): Date | null {
  const today = localDateOf(now, hours.weekly.timeZone);
  // Walk back day by day: usually the answer is today or yesterday.
  for (let offset = 0; offset <= lookbackDays; offset++) {
    const endsByNow = dayIntervals(hours, addDays(today, -offset))
      .map((interval) => interval.end)
      .filter((end) => end <= now)
      .sort((a, b) => b.getTime() - a.getTime());
    // An end where the next day's hours continue seamlessly (24:00 → 00:00) is not a closing.
    const closing = endsByNow.find((end) => !isOpenAt(hours, end));
    if (closing !== undefined) return closing;
  }
  return null;
}

/** The next moment the team opens or closes: when to run the queue's opening / closing job. */
export function nextTransition(
  hours: OpeningHours,
  now: Date,
  horizonDays = DEFAULT_HORIZON_DAYS,
): { readonly at: Date; readonly opens: boolean } | null {
  for (const interval of openIntervalsFrom(hours, now, horizonDays)) {
    if (interval.start > now) return { at: interval.start, opens: true };
    return interval.endsAtHorizon ? null : { at: interval.end, opens: false };
  }
  return null;
}

/** What a resident sees: open until …, or closed until … — in the resident's own zone. */
export function officeHoursStatus(
  hours: OpeningHours,
  now: Date,
  displayTimeZone: string,
): OfficeHoursStatus {
  if (isOpenAt(hours, now)) {
    const closesAt = currentClosing(hours, now);
    return { state: 'open', closesAt: closesAt === null ? null : toZonedInstant(closesAt, displayTimeZone) };
  }
  const opensAt = nextOpening(hours, now);
  return { state: 'closed', opensAt: opensAt === null ? null : toZonedInstant(opensAt, displayTimeZone) };
}
