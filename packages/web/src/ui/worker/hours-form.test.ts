import { openingHours } from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';
import { checkWeek, closureFrom, weekForm, weeklyDays } from './hours-form.ts';

const empty = () => weekForm(openingHours.parse({ weekly: { days: {} } }));

describe('the office-hours form', () => {
  it('reads times as people type them and gives the server what its schema takes', () => {
    const week = empty();
    week.monday = [
      { start: '9:00', end: '12.00' },
      { start: '13:00', end: '24:00' },
    ];
    expect(checkWeek(week)).toBeNull();
    const body = { weekly: { days: weeklyDays(week) } };
    expect(openingHours.parse(body).weekly.days.monday).toEqual([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '24:00' },
    ]);
  });

  it('names the day and range of a wrong time or an overlap', () => {
    const week = empty();
    week.tuesday = [{ start: '9 uur', end: '12:00' }];
    expect(checkWeek(week)).toEqual({ day: 'tuesday', index: 0, key: 'worker_errorTime' });
    week.tuesday = [{ start: '12:00', end: '09:00' }];
    expect(checkWeek(week)?.key).toBe('worker_errorTime');
    week.tuesday = [
      { start: '13:00', end: '16:00' },
      { start: '09:00', end: '13:30' },
    ];
    expect(checkWeek(week)).toEqual({ day: 'tuesday', index: 0, key: 'worker_errorOverlap' });
  });

  it('makes a one-day closure or a range, with its reason, and refuses what the server would', () => {
    expect(closureFrom({ from: '2026-12-24', to: '', reason: ' Kerst ' }, [])).toEqual({
      closure: { kind: 'closed', date: '2026-12-24', label: 'Kerst' },
    });
    expect(closureFrom({ from: '2026-12-24', to: '2026-12-26', reason: '' }, [])).toEqual({
      closure: { kind: 'closed_range', from: '2026-12-24', to: '2026-12-26' },
    });
    expect(closureFrom({ from: '', to: '', reason: '' }, [])).toEqual({ key: 'worker_errorClosureDate' });
    expect(closureFrom({ from: '2026-12-26', to: '2026-12-24', reason: '' }, [])).toEqual({
      key: 'worker_errorClosureDate',
    });
    expect(closureFrom({ from: '2026-01-01', to: '2027-01-02', reason: '' }, [])).toEqual({
      key: 'worker_errorClosureLong',
    });
    expect(
      closureFrom({ from: '2026-12-24', to: '', reason: '' }, [{ kind: 'closed', date: '2026-12-24' }]),
    ).toEqual({
      key: 'worker_errorClosureTwice',
    });
  });
});
