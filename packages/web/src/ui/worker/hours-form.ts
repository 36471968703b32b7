import type { DateOverride, OpeningHours, WeekdayName } from '@spreekuur/protocol/scheduling';
import { MAX_CLOSED_RANGE_DAYS, weekdayNames } from '@spreekuur/protocol/scheduling';
import type { MessageKey } from '../../i18n.ts';

/**
 * The office-hours form's rules, apart from the screen: the week as the form edits it, and the
 * plain-words check before anything goes to the server (which checks again with the same rules).
 */
interface RangeField {
  start: string;
  end: string;
}
export type WeekForm = Record<WeekdayName, RangeField[]>;

const TIME = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** "9:00" and "9.00" are how people type a time; the server wants "09:00". */
function normaliseTime(typed: string): string {
  const match = /^\s*(\d{1,2})[:.](\d{2})\s*$/.exec(typed);
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]}` : typed.trim();
}

export function weekForm(hours: OpeningHours): WeekForm {
  return Object.fromEntries(
    weekdayNames.map((day) => [day, hours.weekly.days[day].map((range) => ({ ...range }))]),
  ) as WeekForm;
}

/** The first problem of the week, or null: which day and range, and what to say. */
export function checkWeek(week: WeekForm): { day: WeekdayName; index: number; key: MessageKey } | null {
  for (const day of weekdayNames) {
    const ranges = week[day].map((range) => ({
      start: normaliseTime(range.start),
      end: normaliseTime(range.end),
    }));
    for (const [index, range] of ranges.entries()) {
      if (!TIME.test(range.start) || !TIME.test(range.end) || range.start >= range.end) {
        return { day, index, key: 'worker_errorTime' };
      }
    }
    const sorted = ranges
      .map((range, index) => ({ ...range, index }))
      .sort((a, b) => (a.start < b.start ? -1 : 1));
    for (let i = 1; i < sorted.length; i++) {
      if (sorted[i]!.start < sorted[i - 1]!.end)
        return { day, index: sorted[i]!.index, key: 'worker_errorOverlap' };
    }
  }
  return null;
}

export function weeklyDays(week: WeekForm): OpeningHours['weekly']['days'] {
  return Object.fromEntries(
    weekdayNames.map((day) => [
      day,
      week[day].map((range) => ({ start: normaliseTime(range.start), end: normaliseTime(range.end) })),
    ]),
  ) as OpeningHours['weekly']['days'];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A closure from the form (one day, or first to last day), or what is wrong with it. */
export function closureFrom(
  form: { from: string; to: string; reason: string },
  existing: readonly DateOverride[],
): { closure: DateOverride } | { key: MessageKey } {
  const from = form.from.trim();
  const to = form.to.trim() || from;
  if (!DATE.test(from) || !DATE.test(to) || to < from) return { key: 'worker_errorClosureDate' };
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
  if (Number.isNaN(days)) return { key: 'worker_errorClosureDate' };
  if (days >= MAX_CLOSED_RANGE_DAYS) return { key: 'worker_errorClosureLong' };
  const label = form.reason.trim().slice(0, 100);
  const named = label ? { label } : {};
  if (from === to) {
    if (existing.some((o) => o.kind !== 'closed_range' && o.date === from))
      return { key: 'worker_errorClosureTwice' };
    return { closure: { kind: 'closed', date: from, ...named } };
  }
  return { closure: { kind: 'closed_range', from, to, ...named } };
}
