import { describe, expect, it } from 'vitest';
import {
  isOnDuty,
  nextOnDuty,
  nextQueueReview,
  notificationDecision,
  queueStaff,
  toggleExpiry,
  workersOnDuty,
  type DutyRoster,
} from './duty.ts';
import { at, weekdayHours } from './testing.ts';

/** Mon–Fri 09:00–12:00 and 13:00–15:00 in Amsterdam (CET in December: 08:00–11:00Z, 12:00–14:00Z). */
const hours = weekdayHours([
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '15:00' },
]);

const ANNA = 'anna';
const BRAM = 'bram';
const CEM = 'cem';

/** Anna: Wednesday all day 08:00–16:00 local; Bram: Wednesday morning only. */
const roster: DutyRoster = {
  hours,
  shifts: [
    { workerId: ANNA, start: at('2025-12-10T07:00:00Z'), end: at('2025-12-10T15:00:00Z') },
    { workerId: BRAM, start: at('2025-12-10T08:00:00Z'), end: at('2025-12-10T11:00:00Z') },
    { workerId: BRAM, start: at('2025-12-11T08:00:00Z'), end: at('2025-12-11T11:00:00Z') },
  ],
  toggles: [],
};

describe('rostered duty', () => {
  it.each([
    ['2025-12-10T07:30:00Z', []], // rostered, but the team is not open yet
    ['2025-12-10T08:00:00Z', [ANNA, BRAM]],
    ['2025-12-10T11:30:00Z', []], // lunch: closed
    ['2025-12-10T12:30:00Z', [ANNA]],
    ['2025-12-10T14:30:00Z', []], // Anna still rostered, team closed
  ])('at %s on duty: %j', (instant, expected) => {
    expect(workersOnDuty(roster, at(instant))).toEqual(expected);
  });
});

describe('switching on and off duty', () => {
  it('lets a worker switch on within open hours, until that opening ends', () => {
    const withToggle: DutyRoster = {
      ...roster,
      toggles: [{ workerId: CEM, onDuty: true, at: at('2025-12-10T09:00:00Z') }],
    };
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T08:59:00Z'))).toBe(false);
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T09:00:00Z'))).toBe(true);
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T10:59:00Z'))).toBe(true);
    expect(toggleExpiry(hours, at('2025-12-10T09:00:00Z'))?.toISOString()).toBe('2025-12-10T11:00:00.000Z');
    // After lunch the roster decides again: Cem is not rostered.
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T12:30:00Z'))).toBe(false);
  });

  it('lets a rostered worker switch off, and the roster resumes at the next opening', () => {
    const withToggle: DutyRoster = {
      ...roster,
      toggles: [{ workerId: ANNA, onDuty: false, at: at('2025-12-10T09:30:00Z') }],
    };
    expect(workersOnDuty(withToggle, at('2025-12-10T09:29:00Z'))).toEqual([ANNA, BRAM]);
    expect(workersOnDuty(withToggle, at('2025-12-10T09:30:00Z'))).toEqual([BRAM]);
    expect(workersOnDuty(withToggle, at('2025-12-10T12:00:00Z'))).toEqual([ANNA]);
  });

  it('applies a toggle made before opening to the coming opening', () => {
    const early: DutyRoster = {
      ...roster,
      toggles: [{ workerId: CEM, onDuty: true, at: at('2025-12-10T07:55:00Z') }],
    };
    expect(isOnDuty(early, CEM, at('2025-12-10T07:58:00Z'))).toBe(false); // still closed
    expect(isOnDuty(early, CEM, at('2025-12-10T08:00:00Z'))).toBe(true);
  });

  it('uses only the latest toggle', () => {
    const flipFlop: DutyRoster = {
      ...roster,
      toggles: [
        { workerId: BRAM, onDuty: true, at: at('2025-12-10T08:40:00Z') },
        { workerId: BRAM, onDuty: false, at: at('2025-12-10T08:10:00Z') },
      ],
    };
    expect(isOnDuty(flipFlop, BRAM, at('2025-12-10T08:20:00Z'))).toBe(false);
    expect(isOnDuty(flipFlop, BRAM, at('2025-12-10T08:50:00Z'))).toBe(true);
  });
});

describe('who is reached when', () => {
  it('notifies workers on duty only, and tells the sender when an off-duty worker will see it', () => {
    expect(notificationDecision(roster, BRAM, at('2025-12-10T09:00:00Z'))).toEqual({ notify: true });
    // Wednesday 12:30 local: Bram is off; back on Thursday 09:00 local.
    expect(notificationDecision(roster, BRAM, at('2025-12-10T11:30:00Z'))).toEqual({
      notify: false,
      seenFrom: at('2025-12-11T08:00:00Z'),
    });
    // Anna at lunch: back when the team opens again at 13:00.
    expect(notificationDecision(roster, ANNA, at('2025-12-10T11:30:00Z'))).toEqual({
      notify: false,
      seenFrom: at('2025-12-10T12:00:00Z'),
    });
    // Cem has no shifts at all.
    expect(notificationDecision(roster, CEM, at('2025-12-10T11:30:00Z'))).toEqual({
      notify: false,
      seenFrom: null,
    });
  });

  it('finds the next duty after a switch-off runs out', () => {
    const switchedOff: DutyRoster = {
      ...roster,
      toggles: [{ workerId: ANNA, onDuty: false, at: at('2025-12-10T08:30:00Z') }],
    };
    expect(nextOnDuty(switchedOff, ANNA, at('2025-12-10T09:00:00Z'))).toEqual(at('2025-12-10T12:00:00Z'));
  });
});

describe('queueStaff: who may take conversations', () => {
  it('is the workers on duty while open', () => {
    expect(queueStaff(roster, { whenHoursEnd: 'keep_queued' }, at('2025-12-10T09:00:00Z'))).toEqual([
      ANNA,
      BRAM,
    ]);
  });

  it('is nobody after closing with keep_queued', () => {
    expect(queueStaff(roster, { whenHoursEnd: 'keep_queued' }, at('2025-12-10T11:10:00Z'))).toEqual([]);
  });

  it('is those on duty at closing with finish_queue, minus who switched off after closing', () => {
    const afterClosing = at('2025-12-10T11:10:00Z');
    expect(queueStaff(roster, { whenHoursEnd: 'finish_queue' }, afterClosing)).toEqual([ANNA, BRAM]);
    const bramLeaves: DutyRoster = {
      ...roster,
      toggles: [{ workerId: BRAM, onDuty: false, at: at('2025-12-10T11:05:00Z') }],
    };
    expect(queueStaff(bramLeaves, { whenHoursEnd: 'finish_queue' }, afterClosing)).toEqual([ANNA]);
  });
});

describe('when the queue must be looked at again', () => {
  it('is the next opening, closing or shift boundary, whichever comes first', () => {
    // Wednesday 07:30Z: Anna's shift started at 07:00Z; the team opens at 08:00Z (Bram starts then too).
    expect(nextQueueReview(roster, at('2025-12-10T07:30:00Z'))?.toISOString()).toBe(
      '2025-12-10T08:00:00.000Z',
    );
    // 09:00Z: open until 11:00Z (Bram's shift ends then as well).
    expect(nextQueueReview(roster, at('2025-12-10T09:00:00Z'))?.toISOString()).toBe(
      '2025-12-10T11:00:00.000Z',
    );
    // Exactly at a boundary it looks past it: 11:00Z → reopening 12:00Z.
    expect(nextQueueReview(roster, at('2025-12-10T11:00:00Z'))?.toISOString()).toBe(
      '2025-12-10T12:00:00.000Z',
    );
    // 14:00Z (closing): Anna's shift ends at 15:00Z, before Thursday's opening.
    expect(nextQueueReview(roster, at('2025-12-10T14:00:00Z'))?.toISOString()).toBe(
      '2025-12-10T15:00:00.000Z',
    );
  });

  it('over a weekend: Friday after closing → Monday opening', () => {
    const noShifts: DutyRoster = { hours, shifts: [], toggles: [] };
    expect(nextQueueReview(noShifts, at('2025-12-12T15:00:00Z'))?.toISOString()).toBe(
      '2025-12-15T08:00:00.000Z',
    );
  });

  it('is null for a team that never opens and has no roster', () => {
    expect(
      nextQueueReview({ hours: weekdayHours([]), shifts: [], toggles: [] }, at('2025-12-10T09:00:00Z')),
    ).toBeNull();
  });
});
