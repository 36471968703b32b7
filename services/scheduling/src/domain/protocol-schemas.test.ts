import {
  appointmentTypeInput,
  dateOverrides,
  joinQueueBody,
  openingHours,
  queueSettings,
  reminderOffsets,
  schedulingErrorCatalog,
  slotQuery,
  weeklySchedule,
} from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';

/** The wire schemas of packages/protocol/src/scheduling/, tested here (the domain's own inputs). */

function messages(result: {
  success: boolean;
  error?: { issues: { message: string; path: PropertyKey[] }[] };
}) {
  return (result.error?.issues ?? []).map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('weeklySchedule', () => {
  it('accepts several ranges per day, touching ranges and 24:00 as an end, with Amsterdam as default zone', () => {
    const parsed = weeklySchedule.parse({
      days: {
        monday: [
          { start: '09:00', end: '12:00' },
          { start: '13:00', end: '15:00' },
        ],
        friday: [
          { start: '18:00', end: '20:00' },
          { start: '20:00', end: '24:00' },
        ],
      },
    });
    expect(parsed.timeZone).toBe('Europe/Amsterdam');
    expect(parsed.days.monday).toHaveLength(2);
    expect(parsed.days.sunday).toEqual([]);
  });

  it.each([
    [
      { monday: [{ start: '9:00', end: '12:00' }] },
      'days.monday.0.start: must be a time as HH:mm (00:00 to 24:00)',
    ],
    [
      { monday: [{ start: '09:00', end: '24:30' }] },
      'days.monday.0.end: must be a time as HH:mm (00:00 to 24:00)',
    ],
    [{ monday: [{ start: '12:00', end: '09:00' }] }, 'days.monday.0.end: start must be before end'],
    [{ monday: [{ start: '24:00', end: '24:00' }] }, 'days.monday.0.end: start must be before end'],
    [
      {
        tuesday: [
          { start: '13:00', end: '15:00' },
          { start: '09:00', end: '13:30' },
        ],
      },
      'days.tuesday.0: ranges overlap: 09:00–13:30 and 13:00–15:00',
    ],
    [{ funday: [] }, 'days: Unrecognized key: "funday"'],
    [
      {
        monday: Array.from({ length: 13 }, (_, hour) => ({
          start: `${String(hour).padStart(2, '0')}:00`,
          end: `${String(hour).padStart(2, '0')}:30`,
        })),
      },
      'days.monday: at most 12 ranges per day',
    ],
  ])('rejects %j', (days, message) => {
    expect(messages(weeklySchedule.safeParse({ days }))).toContain(message);
  });

  it('rejects unknown and offset-only time zones', () => {
    expect(messages(weeklySchedule.safeParse({ timeZone: 'Europe/Atlantis', days: {} }))).toEqual([
      'timeZone: unknown time zone',
    ]);
    expect(messages(weeklySchedule.safeParse({ timeZone: '+01:00', days: {} }))).toEqual([
      'timeZone: must be an IANA time zone such as Europe/Amsterdam',
    ]);
    expect(weeklySchedule.safeParse({ timeZone: 'America/Curacao', days: {} }).success).toBe(true);
  });
});

describe('dateOverrides', () => {
  it('accepts closed days, holiday ranges and extra or replacement hours', () => {
    const parsed = dateOverrides.parse([
      { kind: 'closed', date: '2025-04-27', label: 'Koningsdag' },
      { kind: 'closed_range', from: '2025-12-24', to: '2026-01-01', label: 'Kerstvakantie' },
      { kind: 'hours', date: '2025-12-29', mode: 'extra', ranges: [{ start: '10:00', end: '11:00' }] },
      { kind: 'hours', date: '2025-12-30', mode: 'replace', ranges: [{ start: '10:00', end: '11:00' }] },
    ]);
    expect(parsed.map((override) => override.kind)).toEqual(['closed', 'closed_range', 'hours', 'hours']);
  });

  it.each([
    [
      [{ kind: 'closed_range', from: '2026-01-01', to: '2025-12-24' }],
      '0.to: `to` must not be before `from`',
    ],
    [
      [{ kind: 'closed_range', from: '2025-01-01', to: '2026-01-02' }],
      '0.to: a closed range spans at most 366 days',
    ],
    [[{ kind: 'closed', date: '2025-02-30' }], '0.date: must be a date as YYYY-MM-DD'],
    [
      [{ kind: 'hours', date: '2025-12-29', mode: 'extra', ranges: [] }],
      '0.ranges: give at least one range (use kind "closed" to close the day)',
    ],
    [
      [
        { kind: 'closed', date: '2025-12-29' },
        { kind: 'hours', date: '2025-12-29', mode: 'extra', ranges: [{ start: '10:00', end: '11:00' }] },
      ],
      '1.date: only one override per date: 2025-12-29 is also override 0',
    ],
    [[{ kind: 'closed', date: '2025-12-29', note: 'x' }], '0: Unrecognized key: "note"'],
  ])('rejects %j', (overrides, message) => {
    expect(messages(dateOverrides.safeParse(overrides))).toContain(message);
  });

  it('fills defaults for opening hours', () => {
    expect(openingHours.parse({ weekly: { days: {} } }).overrides).toEqual([]);
  });
});

describe('queueSettings', () => {
  it('defaults to picking by hand, keeping the queue at closing, and 3 conversations per worker', () => {
    expect(queueSettings.parse({})).toEqual({
      autoAssign: false,
      whenHoursEnd: 'keep_queued',
      maxConcurrentPerWorker: 3,
    });
  });

  it.each([
    { maxConcurrentPerWorker: 0 },
    { maxConcurrentPerWorker: 2.5 },
    { whenHoursEnd: 'close_all' },
    { extra: 1 },
  ])('rejects %j', (settings) => {
    expect(queueSettings.safeParse(settings).success).toBe(false);
  });

  it('joins as a live chat unless a question is asked for', () => {
    expect(joinQueueBody.parse({})).toEqual({ whenClosed: 'reject' });
  });
});

describe('appointment types', () => {
  it('fills defaults', () => {
    expect(appointmentTypeInput.parse({ kind: 'video', name: 'Beeldbellen', durationMinutes: 30 })).toEqual({
      kind: 'video',
      name: 'Beeldbellen',
      durationMinutes: 30,
      bufferBeforeMinutes: 0,
      bufferAfterMinutes: 0,
      minimumNoticeMinutes: 60,
      bookingWindowDays: 30,
      maxPerDay: null,
      maxOpenBookingsPerResident: 2,
      slotStepMinutes: null,
    });
  });

  it('requires a location for face-to-face, and only there', () => {
    expect(
      messages(
        appointmentTypeInput.safeParse({ kind: 'in_person', name: 'Op kantoor', durationMinutes: 30 }),
      ),
    ).toEqual(['location: a face-to-face appointment needs a location']);
    expect(
      appointmentTypeInput.safeParse({
        kind: 'in_person',
        name: 'Op kantoor',
        durationMinutes: 30,
        location: { name: 'Wijkcentrum', address: 'Markt 1, Utrecht' },
      }).success,
    ).toBe(true);
    expect(
      messages(
        appointmentTypeInput.safeParse({
          kind: 'phone',
          name: 'Bellen',
          durationMinutes: 30,
          location: { name: 'Wijkcentrum', address: 'Markt 1' },
        }),
      ),
    ).toEqual([': Unrecognized key: "location"']);
  });

  it.each([
    { durationMinutes: 2 },
    { durationMinutes: 600 },
    { bufferAfterMinutes: -5 },
    { bookingWindowDays: 0 },
    { maxPerDay: 0 },
    { maxOpenBookingsPerResident: 0 },
    { maxOpenBookingsPerResident: 21 },
    { maxOpenBookingsPerResident: 1.5 },
    { maxOpenBookingsPerResident: null },
    { kind: 'email' },
  ])('rejects %j', (change) => {
    expect(
      appointmentTypeInput.safeParse({ kind: 'chat', name: 'Chat', durationMinutes: 30, ...change }).success,
    ).toBe(false);
  });
});

describe('slot queries and reminders', () => {
  const ids = {
    appointmentTypeId: '00000000-0000-4000-8000-000000000001',
    workerId: '00000000-0000-4000-8000-000000000002',
  };

  it('accepts up to 31 days in the resident’s zone', () => {
    expect(slotQuery.parse({ ...ids, from: '2025-12-01', to: '2026-01-01' }).timeZone).toBe(
      'Europe/Amsterdam',
    );
    expect(messages(slotQuery.safeParse({ ...ids, from: '2025-12-01', to: '2026-01-02' }))).toEqual([
      'to: ask for at most 31 days at once',
    ]);
  });

  it('defaults reminders to 24 hours and 1 hour, and refuses duplicates', () => {
    expect(reminderOffsets.parse(undefined)).toEqual([1440, 60]);
    expect(reminderOffsets.safeParse([60, 60]).success).toBe(false);
  });
});

describe('schedulingErrorCatalog', () => {
  it('has a scheduling code, Dutch and English text for every error', () => {
    for (const [code, entry] of Object.entries(schedulingErrorCatalog)) {
      expect(code).toMatch(/^ERR_SCHED_[A-Z_]+$/);
      expect(entry.nl.length).toBeGreaterThan(10);
      expect(entry.en.length).toBeGreaterThan(10);
      expect([403, 404, 409, 422]).toContain(entry.status);
    }
  });
});
