import { weekdayNames } from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';
import {
  dutyToggle,
  isOnDuty,
  nextOnDuty,
  nextQueueReview,
  notificationDecision,
  queueStaff,
  toggleExpiry,
  workersOnDuty,
  type DutyRoster,
  type DutyToggle,
} from './duty.ts';
import { addDays } from './local-time.ts';
import { DEFAULT_HORIZON_DAYS } from './office-hours.ts';
import { at, hoursOf, weekdayHours } from './testing.ts';

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
      toggles: [dutyToggle(hours, CEM, true, at('2025-12-10T09:00:00Z'))],
    };
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T08:59:00Z'))).toBe(false);
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T09:00:00Z'))).toBe(true);
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T10:59:00Z'))).toBe(true);
    expect(toggleExpiry(hours, at('2025-12-10T09:00:00Z')).toISOString()).toBe('2025-12-10T11:00:00.000Z');
    // After lunch the roster decides again: Cem is not rostered.
    expect(isOnDuty(withToggle, CEM, at('2025-12-10T12:30:00Z'))).toBe(false);
  });

  it('lets a rostered worker switch off, and the roster resumes at the next opening', () => {
    const withToggle: DutyRoster = {
      ...roster,
      toggles: [dutyToggle(hours, ANNA, false, at('2025-12-10T09:30:00Z'))],
    };
    expect(workersOnDuty(withToggle, at('2025-12-10T09:29:00Z'))).toEqual([ANNA, BRAM]);
    expect(workersOnDuty(withToggle, at('2025-12-10T09:30:00Z'))).toEqual([BRAM]);
    expect(workersOnDuty(withToggle, at('2025-12-10T12:00:00Z'))).toEqual([ANNA]);
  });

  it('applies a toggle made before opening to the coming opening', () => {
    const early: DutyRoster = {
      ...roster,
      toggles: [dutyToggle(hours, CEM, true, at('2025-12-10T07:55:00Z'))],
    };
    expect(isOnDuty(early, CEM, at('2025-12-10T07:58:00Z'))).toBe(false); // still closed
    expect(isOnDuty(early, CEM, at('2025-12-10T08:00:00Z'))).toBe(true);
  });

  it('uses only the latest toggle', () => {
    const flipFlop: DutyRoster = {
      ...roster,
      toggles: [
        dutyToggle(hours, BRAM, true, at('2025-12-10T08:40:00Z')),
        dutyToggle(hours, BRAM, false, at('2025-12-10T08:10:00Z')),
      ],
    };
    expect(isOnDuty(flipFlop, BRAM, at('2025-12-10T08:20:00Z'))).toBe(false);
    expect(isOnDuty(flipFlop, BRAM, at('2025-12-10T08:50:00Z'))).toBe(true);
  });
});

describe('a switch keeps the end it got when it was made', () => {
  // Wednesday 10 December 2025: extra evening hours 18:00–21:00 local (17:00–20:00Z).
  const evening = weekdayHours(
    [
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '15:00' },
    ],
    [{ kind: 'hours', date: '2025-12-10', mode: 'extra', ranges: [{ start: '18:00', end: '21:00' }] }],
  );
  /** The same roster once the evening is taken away again (`hours`: without it). */
  const eveningGone = (toggle: DutyToggle): DutyRoster => ({ ...roster, hours, toggles: [toggle] });

  it('gets its end from the hours published when it is made', () => {
    expect(dutyToggle(evening, CEM, true, at('2025-12-10T18:00:00Z'))).toEqual({
      workerId: CEM,
      onDuty: true,
      at: at('2025-12-10T18:00:00Z'),
      endsAt: at('2025-12-10T20:00:00Z'),
    });
  });

  /** Made at 19:00 local in the evening hours, so it ends with them at 21:00 local. */
  const inTheEvening = (workerId: string, onDuty: boolean): DutyToggle => ({
    workerId,
    onDuty,
    at: at('2025-12-10T18:00:00Z'),
    endsAt: at('2025-12-10T20:00:00Z'),
  });

  it('ends with the evening it was made in, even once that evening is taken out of the hours', () => {
    const on = inTheEvening(CEM, true);
    expect(isOnDuty({ ...roster, hours: evening, toggles: [on] }, CEM, at('2025-12-10T19:00:00Z'))).toBe(
      true,
    );
    // Thursday morning, not rostered: off duty, and not "next on duty" either.
    expect(isOnDuty(eveningGone(on), CEM, at('2025-12-11T08:30:00Z'))).toBe(false);
    expect(nextOnDuty(eveningGone(on), CEM, at('2025-12-10T19:00:00Z'))).toBeNull();
  });

  it('a switch-off in that evening does not swallow the next rostered shift', () => {
    const off = inTheEvening(BRAM, false);
    // Bram's Thursday morning shift starts when the team opens, 08:00Z.
    expect(isOnDuty(eveningGone(off), BRAM, at('2025-12-11T08:30:00Z'))).toBe(true);
    expect(nextOnDuty(eveningGone(off), BRAM, at('2025-12-10T19:00:00Z'))).toEqual(
      at('2025-12-11T08:00:00Z'),
    );
  });

  it('is not stretched when the opening it was made in is lengthened, and the queue is looked at then', () => {
    // Made at 13:30 local, so it runs until 15:00 local.
    const off: DutyToggle = {
      workerId: ANNA,
      onDuty: false,
      at: at('2025-12-10T12:30:00Z'),
      endsAt: at('2025-12-10T14:00:00Z'),
    };
    const longer = weekdayHours([
      { start: '09:00', end: '12:00' },
      { start: '13:00', end: '17:00' },
    ]);
    const lengthened: DutyRoster = { ...roster, hours: longer, toggles: [off] };
    expect(isOnDuty(lengthened, ANNA, at('2025-12-10T13:30:00Z'))).toBe(false);
    // From 15:00 local the roster decides again: Anna's shift runs until 16:00 local.
    expect(isOnDuty(lengthened, ANNA, at('2025-12-10T14:30:00Z'))).toBe(true);
    expect(nextQueueReview(lengthened, at('2025-12-10T13:30:00Z'))).toEqual(at('2025-12-10T14:00:00Z'));
  });

  it('ends at once when no opening is in sight, and holds until the look-ahead ends when always open', () => {
    const never = weekdayHours([]);
    expect(toggleExpiry(never, at('2025-12-10T09:00:00Z'))).toEqual(at('2025-12-10T09:00:00Z'));
    const allDay = [{ start: '00:00', end: '24:00' }];
    const always = hoursOf({
      weekly: {
        timeZone: 'UTC',
        days: Object.fromEntries(weekdayNames.map((day) => [day, allDay])),
      },
    });
    expect(toggleExpiry(always, at('2025-12-10T09:00:00Z'))).toEqual(
      at(`${addDays('2025-12-10', DEFAULT_HORIZON_DAYS + 1)}T00:00:00Z`),
    );
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
      toggles: [dutyToggle(hours, ANNA, false, at('2025-12-10T08:30:00Z'))],
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
      toggles: [dutyToggle(hours, BRAM, false, at('2025-12-10T11:05:00Z'))],
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
