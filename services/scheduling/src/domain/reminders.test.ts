import { describe, expect, it } from 'vitest';
import type { Appointment } from './appointments.ts';
import { planReminders, reminderDecision, reminderJobKey } from './reminders.ts';
import { at } from './testing.ts';

const appointment: Appointment = {
  id: 'a1',
  appointmentTypeId: 't1',
  workerId: 'w1',
  residentId: 'r1',
  kind: 'phone',
  location: null,
  start: at('2025-12-10T09:00:00Z'),
  end: at('2025-12-10T09:30:00Z'),
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  sequence: 0,
  createdAt: at('2025-12-01T09:00:00Z'),
  updatedAt: at('2025-12-01T09:00:00Z'),
  status: 'booked',
};

describe('planReminders', () => {
  it('plans 24 hours and 1 hour before, earliest first', () => {
    expect(planReminders(appointment, at('2025-12-01T09:00:00Z'))).toEqual([
      {
        key: 'reminder:a1:0:1440',
        appointmentId: 'a1',
        sequence: 0,
        offsetMinutes: 1440,
        dueAt: at('2025-12-09T09:00:00Z'),
      },
      {
        key: 'reminder:a1:0:60',
        appointmentId: 'a1',
        sequence: 0,
        offsetMinutes: 60,
        dueAt: at('2025-12-10T08:00:00Z'),
      },
    ]);
  });

  it.each([
    ['booked a week ahead', '2025-12-03T09:00:00Z', [1440, 60]],
    ['booked 3 hours ahead: no 24-hour reminder', '2025-12-10T06:00:00Z', [60]],
    ['booked exactly 24 hours ahead: that one is due now, so skipped', '2025-12-09T09:00:00Z', [60]],
    ['booked 30 minutes ahead: none', '2025-12-10T08:30:00Z', []],
  ])('%s', (_case, bookedAt, offsets) => {
    expect(planReminders(appointment, at(bookedAt)).map((job) => job.offsetMinutes)).toEqual(offsets);
  });

  it('takes custom offsets, ignores duplicates, and plans nothing for a cancelled appointment', () => {
    expect(
      planReminders(appointment, at('2025-12-01T00:00:00Z'), [60, 2 * 24 * 60, 60]).map(
        (job) => job.offsetMinutes,
      ),
    ).toEqual([2880, 60]);
    const cancelled: Appointment = {
      ...appointment,
      status: 'cancelled',
      cancelledAt: at('2025-12-02T00:00:00Z'),
      cancelledBy: 'resident',
      sequence: 1,
    };
    expect(planReminders(cancelled, at('2025-12-02T00:00:00Z'))).toEqual([]);
  });

  it('gives rescheduled reminders new keys (so old jobs are recognisably stale)', () => {
    expect(reminderJobKey('a1', 1, 60)).not.toBe(reminderJobKey('a1', 0, 60));
    const moved = { ...appointment, sequence: 1, start: at('2025-12-11T09:00:00Z') };
    expect(planReminders(moved, at('2025-12-05T00:00:00Z')).map((job) => job.key)).toEqual([
      'reminder:a1:1:1440',
      'reminder:a1:1:60',
    ]);
  });
});

describe('reminderDecision when a job fires', () => {
  const [dayBefore] = planReminders(appointment, at('2025-12-01T09:00:00Z'));

  it.each([
    ['on time', appointment, '2025-12-09T09:00:00Z', { send: true }],
    ['late after a restart, but before the start', appointment, '2025-12-10T08:59:00Z', { send: true }],
    ['after the start', appointment, '2025-12-10T09:00:00Z', { send: false, reason: 'already_started' }],
    [
      'after a reschedule',
      { ...appointment, sequence: 1 },
      '2025-12-09T09:00:00Z',
      { send: false, reason: 'rescheduled' },
    ],
    [
      'after a cancel',
      {
        ...appointment,
        status: 'cancelled',
        cancelledAt: at('2025-12-05T00:00:00Z'),
        cancelledBy: 'worker',
        sequence: 1,
      },
      '2025-12-09T09:00:00Z',
      { send: false, reason: 'cancelled' },
    ],
  ] as const)('%s', (_case, current, firedAt, decision) => {
    expect(reminderDecision(dayBefore!, current as Appointment, at(firedAt))).toEqual(decision);
  });
});
