import { dateOverride, MAX_CLOSED_RANGE_DAYS } from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';
import { addDays } from './local-time.ts';
import {
  currentClosing,
  DEFAULT_HORIZON_DAYS,
  dayIntervals,
  isOpenAt,
  lastClosing,
  nextOpening,
  nextTransition,
  officeHoursStatus,
  openIntervals,
  resolveDay,
} from './office-hours.ts';
import { at, hoursLong, hoursOf, iso, weekdayHours } from './testing.ts';

/** Mon–Fri 09:00–12:00 and 13:00–15:00 in Amsterdam. */
const twoRanges = weekdayHours([
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '15:00' },
]);

const christmas = weekdayHours(
  [
    { start: '09:00', end: '12:00' },
    { start: '13:00', end: '15:00' },
  ],
  [
    { kind: 'closed_range', from: '2025-12-24', to: '2026-01-01', label: 'Kerstvakantie' },
    { kind: 'hours', date: '2025-12-29', mode: 'extra', ranges: [{ start: '10:00', end: '11:00' }] },
    { kind: 'closed', date: '2025-12-12', label: 'Teamdag' },
    { kind: 'hours', date: '2025-12-13', mode: 'extra', ranges: [{ start: '10:00', end: '12:00' }] },
    { kind: 'hours', date: '2025-12-15', mode: 'extra', ranges: [{ start: '17:00', end: '19:00' }] },
    { kind: 'hours', date: '2025-12-16', mode: 'replace', ranges: [{ start: '11:00', end: '14:00' }] },
  ],
);

describe('resolveDay: weekly schedule and overrides', () => {
  it.each([
    [
      '2025-12-10',
      'weekly',
      null,
      [
        ['09:00', '12:00'],
        ['13:00', '15:00'],
      ],
    ],
    ['2025-12-13', 'hours_extra', null, [['10:00', '12:00']]], // Saturday, normally closed
    ['2025-12-14', 'weekly', null, []], // Sunday
    ['2025-12-12', 'closed', 'Teamdag', []],
    [
      '2025-12-15',
      'hours_extra',
      null,
      [
        ['09:00', '12:00'],
        ['13:00', '15:00'],
        ['17:00', '19:00'],
      ],
    ],
    ['2025-12-16', 'hours_replace', null, [['11:00', '14:00']]],
    ['2025-12-24', 'closed_range', 'Kerstvakantie', []],
    ['2026-01-01', 'closed_range', 'Kerstvakantie', []],
    // Extra hours inside the holiday add to the closed day, not to the weekly hours.
    ['2025-12-29', 'hours_extra', null, [['10:00', '11:00']]],
    [
      '2026-01-02',
      'weekly',
      null,
      [
        ['09:00', '12:00'],
        ['13:00', '15:00'],
      ],
    ],
  ])('%s → %s %s %j', (date, source, label, ranges) => {
    const day = resolveDay(christmas, date);
    expect(day.source).toBe(source);
    expect(day.label).toBe(label);
    expect(day.ranges.map((range) => [range.start, range.end])).toEqual(ranges);
  });

  it('unites touching ranges of a day (and extra hours that overlap the weekly ones)', () => {
    const hours = weekdayHours(
      [
        { start: '09:00', end: '12:00' },
        { start: '12:00', end: '13:00' },
      ],
      [{ kind: 'hours', date: '2025-12-10', mode: 'extra', ranges: [{ start: '12:30', end: '14:00' }] }],
    );
    expect(resolveDay(hours, '2025-12-09').ranges).toEqual([{ start: '09:00', end: '13:00' }]);
    expect(resolveDay(hours, '2025-12-10').ranges).toEqual([{ start: '09:00', end: '14:00' }]);
  });
});

describe('several ranges per day', () => {
  it.each([
    ['2025-12-10T07:59:59Z', false], // 08:59:59 local
    ['2025-12-10T08:00:00Z', true], // 09:00
    ['2025-12-10T10:59:59Z', true], // 11:59:59
    ['2025-12-10T11:00:00Z', false], // 12:00: the end is exclusive
    ['2025-12-10T11:30:00Z', false], // lunch
    ['2025-12-10T12:00:00Z', true], // 13:00
    ['2025-12-10T13:59:00Z', true],
    ['2025-12-10T14:00:00Z', false], // 15:00
    ['2025-12-13T09:00:00Z', false], // Saturday
  ])('open at %s: %s', (instant, open) => {
    expect(isOpenAt(twoRanges, at(instant))).toBe(open);
  });

  it('lists the open intervals of a window, clipped to it', () => {
    const intervals = openIntervals(twoRanges, at('2025-12-10T09:00:00Z'), at('2025-12-11T09:00:00Z'));
    expect(intervals.map(iso)).toEqual([
      ['2025-12-10T09:00:00.000Z', '2025-12-10T11:00:00.000Z'],
      ['2025-12-10T12:00:00.000Z', '2025-12-10T14:00:00.000Z'],
      ['2025-12-11T08:00:00.000Z', '2025-12-11T09:00:00.000Z'],
    ]);
  });

  it('knows when the current range closes and when the next opens', () => {
    expect(currentClosing(twoRanges, at('2025-12-10T09:00:00Z'))?.toISOString()).toBe(
      '2025-12-10T11:00:00.000Z',
    );
    expect(currentClosing(twoRanges, at('2025-12-10T11:30:00Z'))).toBeNull();
    expect(nextOpening(twoRanges, at('2025-12-10T11:30:00Z'))?.toISOString()).toBe(
      '2025-12-10T12:00:00.000Z',
    );
    expect(nextOpening(twoRanges, at('2025-12-10T09:00:00Z'))?.toISOString()).toBe(
      '2025-12-10T09:00:00.000Z',
    );
    expect(nextTransition(twoRanges, at('2025-12-10T09:00:00Z'))).toEqual({
      at: at('2025-12-10T11:00:00Z'),
      opens: false,
    });
    expect(nextTransition(twoRanges, at('2025-12-10T11:00:00Z'))).toEqual({
      at: at('2025-12-10T12:00:00Z'),
      opens: true,
    });
    expect(lastClosing(twoRanges, at('2025-12-10T11:30:00Z'))?.toISOString()).toBe(
      '2025-12-10T11:00:00.000Z',
    );
    expect(lastClosing(twoRanges, at('2025-12-13T10:00:00Z'))?.toISOString()).toBe(
      '2025-12-12T14:00:00.000Z',
    );
  });

  it('treats hours running past midnight as one opening', () => {
    const evenings = hoursOf({
      weekly: {
        days: {
          friday: [{ start: '22:00', end: '24:00' }],
          saturday: [
            { start: '00:00', end: '02:00' },
            { start: '10:00', end: '11:00' },
          ],
        },
      },
    });
    const fridayLate = at('2025-12-12T22:00:00Z'); // 23:00 local
    expect(currentClosing(evenings, fridayLate)?.toISOString()).toBe('2025-12-13T01:00:00.000Z');
    // Midnight is not a closing: the last closing seen at 03:00 local is 02:00, not 24:00.
    expect(lastClosing(evenings, at('2025-12-13T02:00:00Z'))?.toISOString()).toBe('2025-12-13T01:00:00.000Z');
    expect(lastClosing(evenings, at('2025-12-12T23:30:00Z'))?.toISOString()).toBe('2025-12-06T10:00:00.000Z');
    expect(openIntervals(evenings, at('2025-12-12T00:00:00Z'), at('2025-12-14T00:00:00Z')).map(iso)).toEqual([
      ['2025-12-12T21:00:00.000Z', '2025-12-13T01:00:00.000Z'],
      ['2025-12-13T09:00:00.000Z', '2025-12-13T10:00:00.000Z'],
    ]);
  });

  it('has no closing within the horizon when always open', () => {
    const allDay = [{ start: '00:00', end: '24:00' }];
    const always = hoursOf({
      weekly: {
        days: {
          monday: allDay,
          tuesday: allDay,
          wednesday: allDay,
          thursday: allDay,
          friday: allDay,
          saturday: allDay,
          sunday: allDay,
        },
      },
    });
    expect(isOpenAt(always, at('2025-10-26T01:30:00Z'))).toBe(true);
    expect(currentClosing(always, at('2025-10-26T01:30:00Z'))).toBeNull();
    expect(nextTransition(always, at('2025-10-26T01:30:00Z'))).toBeNull();
  });
});

describe('next opening across a weekend and a holiday', () => {
  it.each([
    // Friday 15:30 → Monday 09:00 (and across the spring DST change: CET on Friday, CEST on Monday).
    ['weekend + DST', '2025-03-28T14:30:00Z', '2025-03-31T07:00:00.000Z'],
    // Tuesday 23 December after closing → holiday 24 Dec – 1 Jan, extra hour on Monday 29 December.
    ['holiday with an extra hour', '2025-12-23T15:00:00Z', '2025-12-29T09:00:00.000Z'],
    // After that extra hour: the weekend inside the holiday, then the holiday, then Friday 2 January.
    ['rest of the holiday', '2025-12-29T10:00:00Z', '2026-01-02T08:00:00.000Z'],
    // A closed day before a weekend: Thursday 11 Dec evening → Saturday 13 Dec extra hours.
    ['closed day, then Saturday extra hours', '2025-12-11T18:00:00Z', '2025-12-13T09:00:00.000Z'],
  ])('%s: from %s the next opening is %s', (_case, from, expected) => {
    expect(nextOpening(christmas, at(from))?.toISOString()).toBe(expected);
  });

  it('returns null when there is no opening within the horizon', () => {
    const never = hoursOf({ weekly: { days: {} } });
    expect(nextOpening(never, at('2025-01-01T00:00:00Z'))).toBeNull();
    const longClosure = weekdayHours(
      [{ start: '09:00', end: '12:00' }],
      [{ kind: 'closed_range', from: '2025-01-01', to: '2025-12-31' }],
    );
    expect(nextOpening(longClosure, at('2025-01-01T00:00:00Z'), 30)).toBeNull();
    expect(nextOpening(longClosure, at('2025-01-01T00:00:00Z'))?.toISOString()).toBe(
      '2026-01-01T08:00:00.000Z',
    );
  });
});

describe('the look-ahead sees past the longest closure the schema allows', () => {
  /** A closed range of the longest allowed span, starting on `from`; valid by the schema. */
  function longestClosure(from: string) {
    const closure = { kind: 'closed_range' as const, from, to: addDays(from, MAX_CLOSED_RANGE_DAYS - 1) };
    expect(dateOverride.safeParse(closure).success).toBe(true);
    expect(dateOverride.safeParse({ ...closure, to: addDays(closure.to, 1) }).success).toBe(false);
    return closure;
  }

  it('finds the opening the day after a longest closure that starts tomorrow', () => {
    // Monday 8 December 2025 after closing; closed Tuesday 9 December 2025 through 9 December 2026.
    const closure = longestClosure('2025-12-09');
    expect(closure.to).toBe('2026-12-09');
    const hours = weekdayHours([{ start: '09:00', end: '17:00' }], [closure]);
    const mondayEvening = at('2025-12-08T17:00:00Z');
    expect(nextOpening(hours, mondayEvening)?.toISOString()).toBe('2026-12-10T08:00:00.000Z');
    expect(nextTransition(hours, mondayEvening)).toEqual({ at: at('2026-12-10T08:00:00Z'), opens: true });
    expect(officeHoursStatus(hours, mondayEvening, 'Europe/Amsterdam')).toEqual({
      state: 'closed',
      opensAt: {
        utc: '2026-12-10T08:00:00Z',
        local: '2026-12-10T09:00:00+01:00',
        timeZone: 'Europe/Amsterdam',
      },
    });
  });

  it('finds a once-a-week opening in the week after it (the farthest the look-ahead must see)', () => {
    // Open on Tuesdays only. Sunday 7 December 2025; closed Monday 8 December 2025 through
    // Tuesday 8 December 2026, so the next Tuesday is a week after the closure's last day.
    const closure = longestClosure('2025-12-08');
    const tuesdays = hoursOf({
      weekly: { days: { tuesday: [{ start: '09:00', end: '17:00' }] } },
      overrides: [closure],
    });
    const sunday = at('2025-12-07T12:00:00Z');
    expect(nextOpening(tuesdays, sunday)?.toISOString()).toBe('2026-12-15T08:00:00.000Z');
    // The bound is tight: a day less of look-ahead no longer sees it.
    expect(nextOpening(tuesdays, sunday, DEFAULT_HORIZON_DAYS - 1)).toBeNull();
  });
});

describe('daylight saving in Europe/Amsterdam', () => {
  const sundays = (ranges: { start: string; end: string }[]) =>
    hoursOf({ weekly: { timeZone: 'Europe/Amsterdam', days: { sunday: ranges } } });

  it('honours 09:00–12:00 as three real hours on both change days', () => {
    const hours = sundays([{ start: '09:00', end: '12:00' }]);
    const spring = dayIntervals(hours, '2025-03-30');
    const autumn = dayIntervals(hours, '2025-10-26');
    expect(spring.map(iso)).toEqual([['2025-03-30T07:00:00.000Z', '2025-03-30T10:00:00.000Z']]);
    expect(autumn.map(iso)).toEqual([['2025-10-26T08:00:00.000Z', '2025-10-26T11:00:00.000Z']]);
    expect(spring.map(hoursLong)).toEqual([3]);
    expect(autumn.map(hoursLong)).toEqual([3]);
  });

  it.each([
    // Spring forward (30 March): the part in the skipped hour does not exist.
    [
      '02:00–04:00 starts at 03:00',
      '2025-03-30',
      '02:00',
      '04:00',
      [['2025-03-30T01:00:00.000Z', '2025-03-30T02:00:00.000Z']],
    ],
    [
      '01:00–02:30 ends at the jump',
      '2025-03-30',
      '01:00',
      '02:30',
      [['2025-03-30T00:00:00.000Z', '2025-03-30T01:00:00.000Z']],
    ],
    ['02:15–02:45 does not occur', '2025-03-30', '02:15', '02:45', []],
    // Fall back (26 October): from the first time the clock shows the start to the last time it shows the end.
    [
      '02:00–03:00 covers both passes: 2 real hours',
      '2025-10-26',
      '02:00',
      '03:00',
      [['2025-10-26T00:00:00.000Z', '2025-10-26T02:00:00.000Z']],
    ],
    [
      '01:30–02:30 runs to the second 02:30',
      '2025-10-26',
      '01:30',
      '02:30',
      [['2025-10-25T23:30:00.000Z', '2025-10-26T01:30:00.000Z']],
    ],
    [
      '00:00–24:00 is 25 hours',
      '2025-10-26',
      '00:00',
      '24:00',
      [['2025-10-25T22:00:00.000Z', '2025-10-26T23:00:00.000Z']],
    ],
    [
      '00:00–24:00 is 23 hours',
      '2025-03-30',
      '00:00',
      '24:00',
      [['2025-03-29T23:00:00.000Z', '2025-03-30T22:00:00.000Z']],
    ],
  ])('%s', (_case, date, start, end, expected) => {
    expect(dayIntervals(sundays([{ start, end }]), date).map(iso)).toEqual(expected);
  });

  it('keeps the lengths from the rule: 1 hour in spring, 2 in autumn, for 02:00–03:00 / 02:00–04:00', () => {
    expect(dayIntervals(sundays([{ start: '02:00', end: '04:00' }]), '2025-03-30').map(hoursLong)).toEqual([
      1,
    ]);
    expect(dayIntervals(sundays([{ start: '02:00', end: '03:00' }]), '2025-10-26').map(hoursLong)).toEqual([
      2,
    ]);
  });

  it('answers open/closed around the spring jump', () => {
    const hours = sundays([{ start: '02:00', end: '04:00' }]);
    expect(isOpenAt(hours, at('2025-03-30T00:59:00Z'))).toBe(false); // 01:59 CET
    expect(isOpenAt(hours, at('2025-03-30T01:00:00Z'))).toBe(true); // 03:00 CEST
    expect(isOpenAt(hours, at('2025-03-30T01:59:00Z'))).toBe(true); // 03:59 CEST
    expect(isOpenAt(hours, at('2025-03-30T02:00:00Z'))).toBe(false); // 04:00 CEST
    expect(nextOpening(hours, at('2025-03-29T12:00:00Z'))?.toISOString()).toBe('2025-03-30T01:00:00.000Z');
  });

  it('is open during both passes of the repeated hour in autumn', () => {
    const hours = sundays([{ start: '02:00', end: '03:00' }]);
    expect(isOpenAt(hours, at('2025-10-25T23:59:00Z'))).toBe(false); // 01:59 CEST
    expect(isOpenAt(hours, at('2025-10-26T00:30:00Z'))).toBe(true); // 02:30 CEST
    expect(isOpenAt(hours, at('2025-10-26T01:30:00Z'))).toBe(true); // 02:30 CET
    expect(isOpenAt(hours, at('2025-10-26T02:00:00Z'))).toBe(false); // 03:00 CET
    expect(currentClosing(hours, at('2025-10-26T00:30:00Z'))?.toISOString()).toBe('2025-10-26T02:00:00.000Z');
  });

  it('moves weekday hours with the offset in the weeks around both changes', () => {
    const before = openIntervals(twoRanges, at('2025-03-28T00:00:00Z'), at('2025-03-29T00:00:00Z'));
    const after = openIntervals(twoRanges, at('2025-03-31T00:00:00Z'), at('2025-04-01T00:00:00Z'));
    expect(before[0] && iso(before[0])).toEqual(['2025-03-28T08:00:00.000Z', '2025-03-28T11:00:00.000Z']);
    expect(after[0] && iso(after[0])).toEqual(['2025-03-31T07:00:00.000Z', '2025-03-31T10:00:00.000Z']);
    const autumnFriday = openIntervals(twoRanges, at('2025-10-24T00:00:00Z'), at('2025-10-25T00:00:00Z'));
    const autumnMonday = openIntervals(twoRanges, at('2025-10-27T00:00:00Z'), at('2025-10-28T00:00:00Z'));
    expect(autumnFriday[0] && iso(autumnFriday[0])).toEqual([
      '2025-10-24T07:00:00.000Z',
      '2025-10-24T10:00:00.000Z',
    ]);
    expect(autumnMonday[0] && iso(autumnMonday[0])).toEqual([
      '2025-10-27T08:00:00.000Z',
      '2025-10-27T11:00:00.000Z',
    ]);
    // Friday 15:00 CEST after closing → Monday 09:00 CET.
    expect(nextOpening(twoRanges, at('2025-10-24T13:00:00Z'))?.toISOString()).toBe(
      '2025-10-27T08:00:00.000Z',
    );
  });
});

describe('officeHoursStatus', () => {
  it('tells a resident in Curaçao when the Amsterdam team opens, in their own time', () => {
    const status = officeHoursStatus(twoRanges, at('2025-03-28T14:30:00Z'), 'America/Curacao');
    expect(status).toEqual({
      state: 'closed',
      opensAt: {
        utc: '2025-03-31T07:00:00Z',
        local: '2025-03-31T03:00:00-04:00',
        timeZone: 'America/Curacao',
      },
    });
  });

  it('tells when an open team closes', () => {
    expect(officeHoursStatus(twoRanges, at('2025-12-10T09:00:00Z'), 'Europe/Amsterdam')).toEqual({
      state: 'open',
      closesAt: {
        utc: '2025-12-10T11:00:00Z',
        local: '2025-12-10T12:00:00+01:00',
        timeZone: 'Europe/Amsterdam',
      },
    });
  });

  it('says "no opening known" rather than guessing', () => {
    expect(officeHoursStatus(hoursOf({ weekly: { days: {} } }), at('2025-01-01T00:00:00Z'), 'UTC')).toEqual({
      state: 'closed',
      opensAt: null,
    });
  });
});
