import { z } from 'zod';

/**
 * Building blocks of every scheduling shape: time zones, dates, instants and wall-clock ranges.
 * Instants travel in UTC; what people read also comes in their own zone (`zonedInstant`).
 */

export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name, e.g. `Europe/Amsterdam`. Fixed offsets like `+01:00` are refused: they ignore DST. */
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/, {
    error: 'must be an IANA time zone such as Europe/Amsterdam',
    abort: true,
  })
  .refine(isKnownTimeZone, { error: 'unknown time zone' });

/** A calendar date without a zone, `YYYY-MM-DD`. */
export const localDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });
export type LocalDate = z.infer<typeof localDate>;

/** An instant in UTC, `2025-03-30T07:00:00Z`: every instant the server sends or stores. */
export const utcInstant = z.iso.datetime({ error: 'must be an ISO 8601 date-time in UTC (ending in Z)' });

/** A date-time with the offset of a named zone, for display: `2025-03-30T09:00:00+02:00`. */
export const offsetDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const TIME_OF_DAY = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Wall-clock time `HH:mm`; `24:00` is allowed as the end of a range (midnight at the end of the day). */
export const timeOfDay = z.string().regex(TIME_OF_DAY, { error: 'must be a time as HH:mm (00:00 to 24:00)' });
export type TimeOfDay = z.infer<typeof timeOfDay>;

/** Wall-clock range on one day, start inclusive, end exclusive. `HH:mm` strings compare correctly as text. */
export const timeRange = z
  .strictObject({ start: timeOfDay, end: timeOfDay })
  .refine(
    (range) => !TIME_OF_DAY.test(range.start) || !TIME_OF_DAY.test(range.end) || range.start < range.end,
    {
      error: 'start must be before end',
      path: ['end'],
    },
  );
export type TimeRange = z.infer<typeof timeRange>;

/** The ranges of one day: several allowed (09:00–12:00 and 13:00–15:00), touching allowed, overlapping not. */
export const dayRanges = z
  .array(timeRange)
  .max(12, { error: 'at most 12 ranges per day' })
  .superRefine((ranges, ctx) => {
    // Malformed ranges have their own issues already; only compare the well-formed ones.
    const sorted = ranges
      .map((range, index) => ({ range, index }))
      .filter(
        ({ range }) =>
          TIME_OF_DAY.test(range.start) && TIME_OF_DAY.test(range.end) && range.start < range.end,
      )
      .sort((a, b) => compare(a.range.start, b.range.start));
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!.range;
      const current = sorted[i]!;
      if (current.range.start < previous.end) {
        ctx.addIssue({
          code: 'custom',
          message: `ranges overlap: ${previous.start}–${previous.end} and ${current.range.start}–${current.range.end}`,
          path: [current.index],
        });
      }
    }
  });

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An instant plus how the wall clock reads in a zone, for display to a person in that zone. */
export const zonedInstant = z.strictObject({ utc: utcInstant, local: offsetDateTime, timeZone });
export type ZonedInstant = z.infer<typeof zonedInstant>;
