import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  isoWeekday,
  localDateOf,
  localTimeOf,
  mergeIntervals,
  minutesOfDay,
  startOfLocalDay,
  timeOfDayFromMinutes,
  toUtcIso,
  toZonedInstant,
  wallClockToInstant,
  type RepeatedTimeChoice,
} from './local-time.ts';
import { at, iso } from './testing.ts';

const AMS = 'Europe/Amsterdam';

describe('wall clock → instant', () => {
  it.each<[string, string, RepeatedTimeChoice, string]>([
    // Ordinary winter and summer days: offset +01:00 and +02:00.
    ['2025-01-15', '09:00', 'earliest', '2025-01-15T08:00:00.000Z'],
    ['2025-07-15', '09:00', 'latest', '2025-07-15T07:00:00.000Z'],
    ['2025-07-15', '24:00', 'latest', '2025-07-15T22:00:00.000Z'],
    // Spring forward, Sunday 30 March 2025: 02:00–03:00 does not exist; it maps to the jump (03:00 CEST).
    ['2025-03-30', '01:59', 'earliest', '2025-03-30T00:59:00.000Z'],
    ['2025-03-30', '02:00', 'earliest', '2025-03-30T01:00:00.000Z'],
    ['2025-03-30', '02:30', 'latest', '2025-03-30T01:00:00.000Z'],
    ['2025-03-30', '03:00', 'earliest', '2025-03-30T01:00:00.000Z'],
    ['2025-03-30', '09:00', 'earliest', '2025-03-30T07:00:00.000Z'],
    // Fall back, Sunday 26 October 2025: 02:00–03:00 happens twice (CEST, then CET).
    ['2025-10-26', '02:00', 'earliest', '2025-10-26T00:00:00.000Z'],
    ['2025-10-26', '02:00', 'latest', '2025-10-26T01:00:00.000Z'],
    ['2025-10-26', '02:30', 'earliest', '2025-10-26T00:30:00.000Z'],
    ['2025-10-26', '02:30', 'latest', '2025-10-26T01:30:00.000Z'],
    ['2025-10-26', '03:00', 'earliest', '2025-10-26T02:00:00.000Z'],
    ['2025-10-26', '09:00', 'latest', '2025-10-26T08:00:00.000Z'],
  ])('%s %s (%s) in Amsterdam is %s', (date, time, choice, expected) => {
    expect(wallClockToInstant(date, minutesOfDay(time), AMS, choice).toISOString()).toBe(expected);
  });

  it('handles a zone whose midnight is skipped (Santiago, 7 September 2025)', () => {
    // Clocks jump from 00:00 (-04:00) to 01:00 (-03:00): the day starts at 01:00 local.
    expect(startOfLocalDay('2025-09-07', 'America/Santiago').toISOString()).toBe('2025-09-07T04:00:00.000Z');
    expect(toZonedInstant(startOfLocalDay('2025-09-07', 'America/Santiago'), 'America/Santiago').local).toBe(
      '2025-09-07T01:00:00-03:00',
    );
  });

  it('refuses an unknown zone (settings are validated before they get here)', () => {
    expect(() => wallClockToInstant('2025-01-01', 0, 'Mars/Olympus', 'earliest')).toThrow(
      /unknown time zone/,
    );
  });
});

describe('calendar helpers', () => {
  it.each([
    ['2025-03-29', 1, '2025-03-30'],
    ['2025-12-31', 1, '2026-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2025-10-26', 7, '2025-11-02'],
  ])('%s + %i day(s) = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
    expect(daysBetween(date, expected)).toBe(days);
  });

  it.each([
    ['2025-03-24', 1],
    ['2025-03-29', 6],
    ['2025-03-30', 7],
    ['2025-10-26', 7],
    ['2026-01-01', 4],
  ])('%s is ISO weekday %i', (date, weekday) => {
    expect(isoWeekday(date)).toBe(weekday);
  });

  it('converts between HH:mm and minutes, including 24:00', () => {
    expect(minutesOfDay('00:00')).toBe(0);
    expect(minutesOfDay('13:45')).toBe(825);
    expect(minutesOfDay('24:00')).toBe(1440);
    expect(timeOfDayFromMinutes(825)).toBe('13:45');
    expect(timeOfDayFromMinutes(1440)).toBe('24:00');
  });

  it('reads the local date and time of an instant in different zones', () => {
    const lateEvening = at('2025-06-30T22:30:00Z');
    expect(localDateOf(lateEvening, AMS)).toBe('2025-07-01');
    expect(localTimeOf(lateEvening, AMS)).toBe('00:30');
    expect(localDateOf(lateEvening, 'America/Curacao')).toBe('2025-06-30');
    expect(localTimeOf(lateEvening, 'America/Curacao')).toBe('18:30');
  });

  it('writes UTC without milliseconds and the wall clock with its offset', () => {
    expect(toUtcIso(at('2025-03-30T07:00:00.000Z'))).toBe('2025-03-30T07:00:00Z');
    expect(toZonedInstant(at('2025-03-30T07:00:00Z'), AMS)).toEqual({
      utc: '2025-03-30T07:00:00Z',
      local: '2025-03-30T09:00:00+02:00',
      timeZone: AMS,
    });
    expect(toZonedInstant(at('2025-03-30T07:00:00Z'), 'America/Curacao').local).toBe(
      '2025-03-30T03:00:00-04:00',
    );
  });
});

describe('mergeIntervals', () => {
  it('unites overlapping and touching intervals, sorts, and drops empty ones', () => {
    const merged = mergeIntervals([
      { start: at('2025-01-01T13:00:00Z'), end: at('2025-01-01T14:00:00Z') },
      { start: at('2025-01-01T09:00:00Z'), end: at('2025-01-01T10:00:00Z') },
      { start: at('2025-01-01T10:00:00Z'), end: at('2025-01-01T11:00:00Z') },
      { start: at('2025-01-01T09:30:00Z'), end: at('2025-01-01T09:45:00Z') },
      { start: at('2025-01-01T12:00:00Z'), end: at('2025-01-01T12:00:00Z') },
    ]);
    expect(merged.map(iso)).toEqual([
      ['2025-01-01T09:00:00.000Z', '2025-01-01T11:00:00.000Z'],
      ['2025-01-01T13:00:00.000Z', '2025-01-01T14:00:00.000Z'],
    ]);
  });
});
