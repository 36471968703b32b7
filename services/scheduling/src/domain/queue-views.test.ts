import {
  queueSettings,
  residentQueueView as residentQueueViewSchema,
  workerQueueView as workerQueueViewSchema,
  type QueueSettings,
  type WhenClosedChoice,
} from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';
import { applyQueueCommand, type QueueCommand } from './queue.ts';
import { emptyQueue, type QueueContext, type QueueState } from './queue-state.ts';
import { residentQueueView, workerQueueView, type QueueViewInput } from './queue-views.ts';
import { at, unwrap, weekdayHours } from './testing.ts';

const hours = weekdayHours([
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '15:00' },
]);
const OPEN = at('2025-12-10T08:30:00Z');
const LUNCH = at('2025-12-10T11:30:00Z');

/** Wire ids are UUIDs; these are readable ones. */
const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ANNA = uuid(101);
const BRAM = uuid(102);
const entry = (n: number) => uuid(n);

function context(settings: Partial<QueueSettings> = {}, staff = [ANNA, BRAM]): QueueContext {
  return { settings: queueSettings.parse({ maxConcurrentPerWorker: 1, ...settings }), hours, staff };
}

function build(commands: QueueCommand[], ctx: QueueContext, now: Date): QueueState {
  return commands.reduce(
    (state, command) => unwrap(applyQueueCommand(state, command, ctx, now)).state,
    emptyQueue,
  );
}

const join = (n: number, whenClosed: WhenClosedChoice = 'reject'): QueueCommand => ({
  type: 'join',
  entryId: entry(n),
  residentId: uuid(200 + n),
  whenClosed,
});

/** Five joined; Anna and Bram (capacity 1 each) took the first two. */
const busy = build(
  [
    join(1),
    join(2),
    join(3),
    join(4),
    join(5),
    { type: 'pick', workerId: ANNA },
    { type: 'pick', workerId: BRAM },
  ],
  context(),
  OPEN,
);

const input = (state: QueueState, now: Date, ctx = context()): QueueViewInput => ({
  state,
  context: ctx,
  now,
  recentHandlingSeconds: [600, 600, 600],
});

describe('residentQueueView', () => {
  it.each([
    // position among the waiting, estimated seconds: position × 600 s / 2 seats
    [3, 1, 300],
    [4, 2, 600],
    [5, 3, 900],
  ])('entry %i: position %i, about %i seconds', (n, position, seconds) => {
    const view = residentQueueView(input(busy, OPEN), entry(n), 'Europe/Amsterdam');
    expect(view).toEqual({
      status: 'waiting',
      entryId: entry(n),
      position,
      waitEstimate: { kind: 'estimate', seconds, basis: 'recent_handling' },
      mode: 'open',
      opensAt: null,
    });
    expect(residentQueueViewSchema.parse(view)).toEqual(view);
  });

  it('shows a free seat as (almost) no wait', () => {
    const state = build([join(1)], context(), OPEN);
    expect(residentQueueView(input(state, OPEN), entry(1), 'UTC')).toMatchObject({
      position: 1,
      waitEstimate: { kind: 'estimate', seconds: 0 },
    });
  });

  it('shows assigned and on-hold conversations, and nothing for unknown ones', () => {
    expect(residentQueueView(input(busy, OPEN), entry(1), 'UTC')).toEqual({
      status: 'assigned',
      entryId: entry(1),
      assignedAt: '2025-12-10T08:30:00Z',
    });
    const held = unwrap(
      applyQueueCommand(busy, { type: 'hold', entryId: entry(2), workerId: BRAM }, context(), OPEN),
    );
    expect(residentQueueView(input(held.state, OPEN), entry(2), 'UTC')).toEqual({
      status: 'on_hold',
      entryId: entry(2),
      heldAt: '2025-12-10T08:30:00Z',
    });
    expect(residentQueueView(input(busy, OPEN), entry(99), 'UTC')).toBeNull();
  });

  it('tells a resident kept in line over lunch when the queue reopens, in their zone', () => {
    const view = residentQueueView(input(busy, LUNCH), entry(3), 'America/Curacao');
    expect(view).toEqual({
      status: 'waiting',
      entryId: entry(3),
      position: 1,
      waitEstimate: { kind: 'unknown', reason: 'closed' },
      mode: 'closed',
      opensAt: {
        utc: '2025-12-10T12:00:00Z',
        local: '2025-12-10T08:00:00-04:00',
        timeZone: 'America/Curacao',
      },
    });
    expect(residentQueueViewSchema.parse(view)).toEqual(view);
  });

  it('while finishing: estimates for those being finished, the opening for a question left after closing', () => {
    const ctx = context({ whenHoursEnd: 'finish_queue' });
    const state = unwrap(applyQueueCommand(busy, join(6, 'leave_question'), ctx, LUNCH)).state;
    expect(residentQueueView(input(state, LUNCH, ctx), entry(3), 'UTC')).toMatchObject({
      mode: 'finishing',
      position: 1,
      waitEstimate: { kind: 'estimate', seconds: 300 },
    });
    expect(residentQueueView(input(state, LUNCH, ctx), entry(6), 'UTC')).toMatchObject({
      mode: 'closed',
      position: 4,
      waitEstimate: { kind: 'unknown', reason: 'closed' },
      opensAt: { utc: '2025-12-10T12:00:00Z' },
    });
  });

  it('has no estimate when nobody is on duty', () => {
    expect(residentQueueView(input(busy, OPEN, context({}, [])), entry(3), 'UTC')).toMatchObject({
      waitEstimate: { kind: 'unknown', reason: 'no_workers_on_duty' },
    });
  });
});

describe('workerQueueView', () => {
  it('shows the waiting line, active conversations, staff load and the estimate for the next resident', () => {
    const later = new Date(OPEN.getTime() + 90_000);
    const view = workerQueueView(input(busy, later), 'Europe/Amsterdam');
    expect(workerQueueViewSchema.parse(view)).toEqual(view);
    expect(view.mode).toBe('open');
    expect(view.closesAt?.local).toBe('2025-12-10T12:00:00+01:00');
    expect(view.opensAt).toBeNull();
    expect(view.waiting).toEqual(
      [3, 4, 5].map((n, index) => ({
        entryId: entry(n),
        position: index + 1,
        joinedAt: '2025-12-10T08:30:00Z',
        waitingSeconds: 90,
        pickable: true,
      })),
    );
    expect(view.active).toEqual([
      { status: 'assigned', entryId: entry(1), workerId: ANNA, assignedAt: '2025-12-10T08:30:00Z' },
      { status: 'assigned', entryId: entry(2), workerId: BRAM, assignedAt: '2025-12-10T08:30:00Z' },
    ]);
    expect(view.staff).toEqual([
      { workerId: ANNA, activeCount: 1, onHoldCount: 0, capacity: 1 },
      { workerId: BRAM, activeCount: 1, onHoldCount: 0, capacity: 1 },
    ]);
    // A fourth waiting resident: 4 × 600 / 2.
    expect(view.nextWaitEstimate).toEqual({ kind: 'estimate', seconds: 1200, basis: 'recent_handling' });
  });

  it('while closed shows the opening and marks nothing pickable', () => {
    const view = workerQueueView(input(busy, LUNCH), 'Europe/Amsterdam');
    expect(view.mode).toBe('closed');
    expect(view.opensAt?.local).toBe('2025-12-10T13:00:00+01:00');
    expect(view.waiting.map((row) => row.pickable)).toEqual([false, false, false]);
    expect(view.nextWaitEstimate).toEqual({ kind: 'unknown', reason: 'closed' });
  });
});
