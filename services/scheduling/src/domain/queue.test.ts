import { queueSettings, type QueueSettings, type WhenClosedChoice } from '@spreekuur/protocol/scheduling';
import { describe, expect, it } from 'vitest';
import { applyQueueCommand, closingNotices, type QueueCommand, type QueueEvent } from './queue.ts';
import {
  activeCount,
  emptyQueue,
  positionOf,
  waitingEntries,
  type QueueContext,
  type QueueState,
} from './queue-state.ts';
import { at, unwrap, weekdayHours } from './testing.ts';

/** Mon–Fri 09:00–12:00 and 13:00–15:00 in Amsterdam; Wednesday 10 Dec 2025 = 08:00–11:00Z, 12:00–14:00Z. */
const hours = weekdayHours([
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '15:00' },
]);
const OPEN = at('2025-12-10T08:30:00Z');
const LUNCH = at('2025-12-10T11:30:00Z');
const AFTER_LUNCH = at('2025-12-10T12:00:00Z');

function context(settings: Partial<QueueSettings> = {}, staff: string[] = ['anna', 'bram']): QueueContext {
  return { settings: queueSettings.parse(settings), hours, staff };
}

const join = (n: number, whenClosed: WhenClosedChoice = 'reject'): QueueCommand => ({
  type: 'join',
  entryId: `e${n}`,
  residentId: `r${n}`,
  whenClosed,
});

/** Applies commands in order (one second apart), failing the test on any error. */
function run(
  state: QueueState,
  commands: readonly QueueCommand[],
  ctx: QueueContext,
  start: Date,
): { state: QueueState; events: QueueEvent[] } {
  const events: QueueEvent[] = [];
  commands.forEach((command, index) => {
    const result = unwrap(applyQueueCommand(state, command, ctx, new Date(start.getTime() + index * 1000)));
    state = result.state;
    events.push(...result.events);
  });
  return { state, events };
}

function errorOf(state: QueueState, command: QueueCommand, ctx: QueueContext, now: Date) {
  const result = applyQueueCommand(state, command, ctx, now);
  if (result.ok) throw new Error(`expected an error for ${command.type}`);
  return result.error;
}

const assignedIds = (events: readonly QueueEvent[]) =>
  events.flatMap((event) => (event.type === 'assigned' ? [`${event.entryId}→${event.workerId}`] : []));

describe('joining and positions', () => {
  it('gives positions in order of joining and counts versions', () => {
    const { state, events } = run(emptyQueue, [join(1), join(2), join(3)], context(), OPEN);
    expect(events.map((event) => (event.type === 'joined' ? [event.entryId, event.position] : null))).toEqual(
      [
        ['e1', 1],
        ['e2', 2],
        ['e3', 3],
      ],
    );
    expect(['e1', 'e2', 'e3'].map((id) => positionOf(state, id))).toEqual([1, 2, 3]);
    expect(state.version).toBe(3);
    expect(state.nextSequence).toBe(4);
  });

  it('moves everyone up when someone ahead leaves', () => {
    const { state } = run(
      emptyQueue,
      [join(1), join(2), join(3), { type: 'leave', entryId: 'e1' }],
      context(),
      OPEN,
    );
    expect(['e1', 'e2', 'e3'].map((id) => positionOf(state, id))).toEqual([null, 1, 2]);
  });

  it('refuses a second entry for the same conversation or the same resident', () => {
    const { state } = run(emptyQueue, [join(1)], context(), OPEN);
    expect(errorOf(state, join(1), context(), OPEN).code).toBe('ERR_SCHED_ALREADY_QUEUED');
    expect(
      errorOf(
        state,
        { type: 'join', entryId: 'other', residentId: 'r1', whenClosed: 'reject' },
        context(),
        OPEN,
      ).code,
    ).toBe('ERR_SCHED_ALREADY_QUEUED');
  });

  it('refuses a live chat while closed, telling when it opens, but accepts a question', () => {
    const error = errorOf(emptyQueue, join(1), context(), LUNCH);
    expect(error).toMatchObject({ code: 'ERR_SCHED_CLOSED', details: { opensAt: '2025-12-10T12:00:00Z' } });
    const { state, events } = run(emptyQueue, [join(1, 'leave_question')], context(), LUNCH);
    expect(events).toEqual([
      { type: 'joined', entryId: 'e1', residentId: 'r1', sequence: 1, position: 1, asQuestion: true },
    ]);
    expect(waitingEntries(state).map((entry) => entry.asQuestion)).toEqual([true]);
  });

  it('stays first-come-first-served under concurrent joins (optimistic concurrency on version)', () => {
    // A tiny store with compare-and-set, as the database would do with `WHERE version = $read`.
    let stored = emptyQueue;
    const commit = (read: QueueState, next: QueueState) => {
      if (stored.version !== read.version) return false;
      stored = next;
      return true;
    };
    // Ten residents read the same state at once; they commit in a shuffled order and retry on conflict.
    const commitOrder = [7, 2, 9, 0, 4, 1, 8, 3, 6, 5];
    const pending = new Map(commitOrder.map((n) => [n, stored]));
    let clock = OPEN.getTime();
    let conflicts = 0;
    while (pending.size > 0) {
      for (const n of commitOrder) {
        const read = pending.get(n);
        if (read === undefined) continue;
        const next = unwrap(applyQueueCommand(read, join(n), context(), new Date((clock += 1000))));
        if (commit(read, next.state)) pending.delete(n);
        else {
          conflicts++;
          pending.set(n, stored); // re-read and retry
        }
      }
    }
    expect(conflicts).toBeGreaterThan(0);
    const waiting = waitingEntries(stored);
    expect(waiting).toHaveLength(10);
    expect(waiting.map((entry) => entry.sequence)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // Positions follow the order in which the joins were committed.
    expect(waiting.map((entry) => entry.id)).toEqual(commitOrder.map((n) => `e${n}`));
  });
});

describe('picking', () => {
  const three = () => run(emptyQueue, [join(1), join(2), join(3)], context(), OPEN).state;

  it('takes the longest waiting first', () => {
    const { events } = run(
      three(),
      [
        { type: 'pick', workerId: 'bram' },
        { type: 'pick', workerId: 'anna' },
        { type: 'pick', workerId: 'bram' },
      ],
      context(),
      new Date(OPEN.getTime() + 60_000),
    );
    expect(assignedIds(events)).toEqual(['e1→bram', 'e2→anna', 'e3→bram']);
    expect(events[0]).toMatchObject({ type: 'assigned', by: 'pick', waitedSeconds: 60 });
  });

  it.each([
    ['nobody waiting', 'ERR_SCHED_QUEUE_EMPTY', { type: 'pick', workerId: 'anna' }, 'empty', OPEN],
    ['not on duty', 'ERR_SCHED_NOT_ON_DUTY', { type: 'pick', workerId: 'cem' }, 'three', OPEN],
    ['closed (lunch)', 'ERR_SCHED_CLOSED', { type: 'pick', workerId: 'anna' }, 'three', LUNCH],
    [
      'already taken',
      'ERR_SCHED_QUEUE_NOT_WAITING',
      { type: 'pick', workerId: 'anna', expectedEntryId: 'e1' },
      'e1taken',
      OPEN,
    ],
    [
      'not the next',
      'ERR_SCHED_QUEUE_NOT_NEXT',
      { type: 'pick', workerId: 'anna', expectedEntryId: 'e3' },
      'three',
      OPEN,
    ],
    [
      'gone',
      'ERR_SCHED_QUEUE_ENTRY_NOT_FOUND',
      { type: 'pick', workerId: 'anna', expectedEntryId: 'e9' },
      'three',
      OPEN,
    ],
  ] as const)('%s → %s', (_case, code, command, setup, now) => {
    const state =
      setup === 'empty'
        ? emptyQueue
        : setup === 'three'
          ? three()
          : run(three(), [{ type: 'pick', workerId: 'bram' }], context(), OPEN).state;
    expect(errorOf(state, command, context(), now).code).toBe(code);
  });

  it('picks exactly what the screen showed when it is still the next', () => {
    const { events } = run(
      three(),
      [{ type: 'pick', workerId: 'anna', expectedEntryId: 'e1' }],
      context(),
      OPEN,
    );
    expect(assignedIds(events)).toEqual(['e1→anna']);
  });

  it('never exceeds capacity by picking', () => {
    const ctx = context({ maxConcurrentPerWorker: 2 });
    const { state } = run(
      three(),
      [
        { type: 'pick', workerId: 'anna' },
        { type: 'pick', workerId: 'anna' },
      ],
      ctx,
      OPEN,
    );
    expect(errorOf(state, { type: 'pick', workerId: 'anna' }, ctx, OPEN)).toMatchObject({
      code: 'ERR_SCHED_OVER_CAPACITY',
      details: { capacity: 2 },
    });
    expect(activeCount(state, 'anna')).toBe(2);
  });

  it('never hands one conversation to two workers picking at the same time', () => {
    let stored = three();
    const read = stored;
    const annaPick = unwrap(applyQueueCommand(read, { type: 'pick', workerId: 'anna' }, context(), OPEN));
    const bramPick = unwrap(applyQueueCommand(read, { type: 'pick', workerId: 'bram' }, context(), OPEN));
    // Both computed "e1" from the same snapshot; only the first commit is accepted…
    expect(assignedIds(annaPick.events)).toEqual(['e1→anna']);
    stored = annaPick.state;
    expect(bramPick.state.version).toBe(read.version + 1);
    expect(stored.version).not.toBe(read.version);
    // …and Bram's retry on the fresh state takes the next one.
    const retry = unwrap(applyQueueCommand(stored, { type: 'pick', workerId: 'bram' }, context(), OPEN));
    expect(assignedIds(retry.events)).toEqual(['e2→bram']);
  });
});

describe('auto-assignment', () => {
  const auto = (maxConcurrentPerWorker = 2, staff = ['anna', 'bram']) =>
    context({ autoAssign: true, maxConcurrentPerWorker }, staff);

  it('assigns on join to the least busy worker, alternating between equally busy ones', () => {
    const { events } = run(emptyQueue, [join(1), join(2), join(3), join(4)], auto(), OPEN);
    expect(assignedIds(events)).toEqual(['e1→anna', 'e2→bram', 'e3→anna', 'e4→bram']);
    expect(events.filter((event) => event.type === 'assigned').every((event) => event.by === 'auto')).toBe(
      true,
    );
  });

  it('prefers the worker with fewer conversations over the one idle longest', () => {
    // Anna picks two, then Bram one: Bram was assigned most recently, but has fewer conversations.
    const manual = context({ maxConcurrentPerWorker: 3 });
    const { state } = run(
      emptyQueue,
      [join(1), join(2), { type: 'pick', workerId: 'anna' }, { type: 'pick', workerId: 'anna' }, join(3)],
      manual,
      OPEN,
    );
    const { state: withBram } = run(state, [{ type: 'pick', workerId: 'bram' }], manual, OPEN);
    // Anna 2 active, Bram 1 active: the next goes to Bram.
    const { events } = run(withBram, [join(4)], auto(3), OPEN);
    expect(assignedIds(events)).toEqual(['e4→bram']);
  });

  it('never exceeds capacity: the rest waits in order', () => {
    const joins = Array.from({ length: 7 }, (_, i) => join(i + 1));
    const { state, events } = run(emptyQueue, joins, auto(2), OPEN);
    expect(assignedIds(events)).toHaveLength(4);
    expect(activeCount(state, 'anna')).toBe(2);
    expect(activeCount(state, 'bram')).toBe(2);
    expect(waitingEntries(state).map((entry) => entry.id)).toEqual(['e5', 'e6', 'e7']);
  });

  it('fills a freed seat at once with the longest waiting', () => {
    const joins = Array.from({ length: 5 }, (_, i) => join(i + 1));
    const { state } = run(emptyQueue, joins, auto(2), OPEN);
    const { events } = run(
      state,
      [{ type: 'close', entryId: 'e2', workerId: 'bram', outcome: 'resolved' }],
      auto(2),
      OPEN,
    );
    expect(events.map((event) => event.type)).toEqual(['closed', 'assigned']);
    expect(assignedIds(events)).toEqual(['e5→bram']);
  });

  it('does nothing when the team assigns by hand', () => {
    const { state } = run(emptyQueue, [join(1)], context(), OPEN);
    const result = unwrap(applyQueueCommand(state, { type: 'assign_waiting' }, context(), OPEN));
    expect(result.events).toEqual([]);
    expect(result.state).toBe(state);
  });

  it('assigns questions left while closed when the hours open', () => {
    const { state } = run(emptyQueue, [join(1, 'leave_question'), join(2, 'leave_question')], auto(), LUNCH);
    expect(run(state, [{ type: 'assign_waiting' }], auto(), LUNCH).events).toEqual([]);
    const { events } = run(state, [{ type: 'assign_waiting' }], auto(), AFTER_LUNCH);
    expect(assignedIds(events)).toEqual(['e1→anna', 'e2→bram']);
  });

  it('assigns nobody when nobody is on duty', () => {
    const { state, events } = run(emptyQueue, [join(1)], auto(2, []), OPEN);
    expect(assignedIds(events)).toEqual([]);
    expect(positionOf(state, 'e1')).toBe(1);
  });
});

describe('transfer, hold, resume, close, leave', () => {
  const assigned = () =>
    run(
      emptyQueue,
      [join(1), join(2), { type: 'pick', workerId: 'anna' }, { type: 'pick', workerId: 'anna' }],
      context({ maxConcurrentPerWorker: 2 }, ['anna', 'bram', 'cem']),
      OPEN,
    ).state;
  const ctx = context({ maxConcurrentPerWorker: 2 }, ['anna', 'bram', 'cem']);

  it('transfers to a colleague on duty with a free seat', () => {
    const { state, events } = run(
      assigned(),
      [{ type: 'transfer', entryId: 'e1', fromWorkerId: 'anna', toWorkerId: 'bram' }],
      ctx,
      OPEN,
    );
    expect(events).toEqual([
      { type: 'transferred', entryId: 'e1', residentId: 'r1', fromWorkerId: 'anna', toWorkerId: 'bram' },
    ]);
    expect([activeCount(state, 'anna'), activeCount(state, 'bram')]).toEqual([1, 1]);
  });

  it.each([
    [
      'to oneself',
      { type: 'transfer', entryId: 'e1', fromWorkerId: 'anna', toWorkerId: 'anna' },
      'ERR_SCHED_TRANSFER_TO_SELF',
    ],
    [
      'to someone off duty',
      { type: 'transfer', entryId: 'e1', fromWorkerId: 'anna', toWorkerId: 'dirk' },
      'ERR_SCHED_NOT_ON_DUTY',
    ],
    [
      'someone else’s conversation',
      { type: 'transfer', entryId: 'e1', fromWorkerId: 'bram', toWorkerId: 'cem' },
      'ERR_SCHED_NOT_YOUR_CONVERSATION',
    ],
    [
      'an unknown conversation',
      { type: 'transfer', entryId: 'e9', fromWorkerId: 'anna', toWorkerId: 'bram' },
      'ERR_SCHED_QUEUE_ENTRY_NOT_FOUND',
    ],
    [
      'hold someone else’s',
      { type: 'hold', entryId: 'e1', workerId: 'bram' },
      'ERR_SCHED_NOT_YOUR_CONVERSATION',
    ],
    [
      'resume what is not on hold',
      { type: 'resume', entryId: 'e1', workerId: 'anna' },
      'ERR_SCHED_QUEUE_NOT_ON_HOLD',
    ],
    [
      'close someone else’s',
      { type: 'close', entryId: 'e2', workerId: 'cem', outcome: 'resolved' },
      'ERR_SCHED_NOT_YOUR_CONVERSATION',
    ],
  ] as const)('refuses %s', (_case, command, code) => {
    expect(errorOf(assigned(), command, ctx, OPEN).code).toBe(code);
  });

  it('refuses to transfer to a colleague at capacity, or to transfer/hold/close a waiting entry', () => {
    const { state } = run(
      assigned(),
      [join(3), join(4), join(5), { type: 'pick', workerId: 'bram' }, { type: 'pick', workerId: 'bram' }],
      ctx,
      OPEN,
    );
    expect(
      errorOf(state, { type: 'transfer', entryId: 'e1', fromWorkerId: 'anna', toWorkerId: 'bram' }, ctx, OPEN)
        .code,
    ).toBe('ERR_SCHED_OVER_CAPACITY');
    expect(
      errorOf(state, { type: 'transfer', entryId: 'e5', fromWorkerId: 'anna', toWorkerId: 'cem' }, ctx, OPEN)
        .code,
    ).toBe('ERR_SCHED_QUEUE_NOT_ASSIGNED');
    expect(errorOf(state, { type: 'hold', entryId: 'e5', workerId: 'anna' }, ctx, OPEN).code).toBe(
      'ERR_SCHED_QUEUE_NOT_ASSIGNED',
    );
    expect(
      errorOf(state, { type: 'close', entryId: 'e5', workerId: 'anna', outcome: 'other' }, ctx, OPEN).code,
    ).toBe('ERR_SCHED_QUEUE_NOT_ASSIGNED');
  });

  it('frees a seat on hold; resuming needs a free seat again', () => {
    const { state } = run(
      assigned(),
      [join(3), { type: 'hold', entryId: 'e1', workerId: 'anna' }, { type: 'pick', workerId: 'anna' }],
      ctx,
      OPEN,
    );
    expect(activeCount(state, 'anna')).toBe(2);
    expect(errorOf(state, { type: 'resume', entryId: 'e1', workerId: 'anna' }, ctx, OPEN).code).toBe(
      'ERR_SCHED_OVER_CAPACITY',
    );
    const { state: resumed, events } = run(
      state,
      [
        { type: 'close', entryId: 'e3', workerId: 'anna', outcome: 'referred' },
        { type: 'resume', entryId: 'e1', workerId: 'anna' },
      ],
      ctx,
      OPEN,
    );
    expect(events.map((event) => event.type)).toEqual(['closed', 'resumed']);
    expect(activeCount(resumed, 'anna')).toBe(2);
  });

  it('closes with an outcome and the handling time, from assigned or on hold', () => {
    const start = assigned();
    // `assigned()` picked e1 at OPEN + 2 s (its third command).
    const tenMinutesLater = new Date(OPEN.getTime() + 2000 + 10 * 60_000);
    const closed = unwrap(
      applyQueueCommand(
        start,
        { type: 'close', entryId: 'e1', workerId: 'anna', outcome: 'resolved' },
        ctx,
        tenMinutesLater,
      ),
    );
    expect(closed.events).toEqual([
      {
        type: 'closed',
        entryId: 'e1',
        residentId: 'r1',
        workerId: 'anna',
        outcome: 'resolved',
        handlingSeconds: 600,
      },
    ]);
    expect(closed.state.entries.map((entry) => entry.id)).toEqual(['e2']);
    const { events } = run(
      start,
      [
        { type: 'hold', entryId: 'e2', workerId: 'anna' },
        { type: 'close', entryId: 'e2', workerId: 'anna', outcome: 'follow_up_needed' },
      ],
      ctx,
      OPEN,
    );
    expect(events.map((event) => event.type)).toEqual(['held', 'closed']);
  });

  it('lets a resident leave from waiting or from a conversation', () => {
    const { state, events } = run(
      assigned(),
      [join(3), { type: 'leave', entryId: 'e3' }, { type: 'leave', entryId: 'e1' }],
      ctx,
      OPEN,
    );
    expect(events.filter((event) => event.type === 'left')).toEqual([
      { type: 'left', entryId: 'e3', residentId: 'r3', fromStatus: 'waiting', workerId: null },
      { type: 'left', entryId: 'e1', residentId: 'r1', fromStatus: 'assigned', workerId: 'anna' },
    ]);
    expect(state.entries.map((entry) => entry.id)).toEqual(['e2']);
    expect(errorOf(state, { type: 'leave', entryId: 'e1' }, ctx, OPEN).code).toBe(
      'ERR_SCHED_QUEUE_ENTRY_NOT_FOUND',
    );
  });
});

describe('when the hours end', () => {
  const before = (settings: Partial<QueueSettings>) =>
    run(emptyQueue, [join(1), join(2)], context(settings), at('2025-12-10T10:50:00Z')).state;

  it('keep_queued: those waiting stay in line, are told the next opening, and go first then', () => {
    const ctx = context({ whenHoursEnd: 'keep_queued' });
    const state = before({ whenHoursEnd: 'keep_queued' });
    expect(closingNotices(state, ctx, at('2025-12-10T11:00:00Z'))).toEqual([
      { entryId: 'e1', residentId: 'r1', kind: 'kept_for_next_opening', opensAt: AFTER_LUNCH },
      { entryId: 'e2', residentId: 'r2', kind: 'kept_for_next_opening', opensAt: AFTER_LUNCH },
    ]);
    expect(errorOf(state, { type: 'pick', workerId: 'anna' }, ctx, LUNCH).code).toBe('ERR_SCHED_CLOSED');
    const { state: withQuestion } = run(state, [join(3, 'leave_question')], ctx, LUNCH);
    const { events } = run(
      withQuestion,
      [
        join(4),
        { type: 'pick', workerId: 'anna' },
        { type: 'pick', workerId: 'bram' },
        { type: 'pick', workerId: 'anna' },
      ],
      ctx,
      AFTER_LUNCH,
    );
    expect(assignedIds(events)).toEqual(['e1→anna', 'e2→bram', 'e3→anna']);
  });

  it('finish_queue: workers on duty at closing finish those who joined before closing', () => {
    const ctx = context({ whenHoursEnd: 'finish_queue' }, ['anna']);
    const state = before({ whenHoursEnd: 'finish_queue' });
    const { state: withQuestion } = run(state, [join(3, 'leave_question')], ctx, LUNCH);
    expect(closingNotices(withQuestion, ctx, LUNCH)).toEqual([
      { entryId: 'e1', residentId: 'r1', kind: 'being_finished', opensAt: AFTER_LUNCH },
      { entryId: 'e2', residentId: 'r2', kind: 'being_finished', opensAt: AFTER_LUNCH },
      { entryId: 'e3', residentId: 'r3', kind: 'kept_for_next_opening', opensAt: AFTER_LUNCH },
    ]);
    const { state: finished, events } = run(
      withQuestion,
      [
        { type: 'pick', workerId: 'anna' },
        { type: 'pick', workerId: 'anna' },
      ],
      ctx,
      LUNCH,
    );
    expect(assignedIds(events)).toEqual(['e1→anna', 'e2→anna']);
    // The question left after closing waits for the next opening.
    expect(errorOf(finished, { type: 'pick', workerId: 'anna' }, ctx, LUNCH).code).toBe(
      'ERR_SCHED_QUEUE_EMPTY',
    );
    expect(errorOf(finished, join(4), ctx, LUNCH).code).toBe('ERR_SCHED_CLOSED');
  });

  it('finish_queue without anyone finishing tells them they are kept for the next opening', () => {
    const ctx = context({ whenHoursEnd: 'finish_queue' }, []);
    expect(
      closingNotices(before({ whenHoursEnd: 'finish_queue' }), ctx, LUNCH).map((notice) => notice.kind),
    ).toEqual(['kept_for_next_opening', 'kept_for_next_opening']);
  });

  it('sends no notices while open', () => {
    expect(closingNotices(before({}), context(), OPEN)).toEqual([]);
  });
});

/** Small deterministic PRNG (mulberry32) so a failing sequence can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('queue invariants under random command sequences', () => {
  const WORKERS = ['w1', 'w2', 'w3', 'w4'];
  const OUTCOMES = ['resolved', 'referred', 'other'] as const;

  it('never assigns twice, never exceeds capacity, always serves first come first', () => {
    const seen = { assigned: 0, transferred: 0, held: 0, resumed: 0, closed: 0, left: 0, joined: 0 };
    for (let seed = 1; seed <= 80; seed++) {
      const rnd = random(seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
      const settings = queueSettings.parse({
        autoAssign: rnd() < 0.5,
        whenHoursEnd: rnd() < 0.5 ? 'keep_queued' : 'finish_queue',
        maxConcurrentPerWorker: 1 + Math.floor(rnd() * 3),
      });
      let state = emptyQueue;
      let now = at('2025-12-10T07:50:00Z').getTime();
      let joined = 0;
      let lastAssignedSequence = 0;
      const everAssigned = new Set<string>();

      for (let step = 0; step < 100; step++) {
        now += Math.floor(rnd() * 4 * 60_000); // up to 4 minutes: runs through opening, lunch and closing
        const staff = WORKERS.filter(() => rnd() < 0.7);
        const ctx: QueueContext = { settings, hours, staff };
        // Mostly valid targets (an existing entry, its own worker), sometimes nonsense: both must be safe.
        const target = () => {
          const entry = state.entries.length > 0 && rnd() < 0.9 ? pick(state.entries) : undefined;
          const owner =
            entry !== undefined && entry.status !== 'waiting' && rnd() < 0.8 ? entry.workerId : pick(WORKERS);
          return { entryId: entry?.id ?? 'unknown', workerId: owner };
        };
        const onHold = state.entries.filter((entry) => entry.status === 'on_hold');
        const command: QueueCommand = pick<() => QueueCommand>([
          () => ({
            type: 'join',
            entryId: `e${++joined}`,
            residentId: `r${joined}`,
            whenClosed: pick(['reject', 'leave_question']),
          }),
          () => ({
            type: 'join',
            entryId: `e${++joined}`,
            residentId: `r${joined}`,
            whenClosed: 'leave_question',
          }),
          () => ({ type: 'pick', workerId: pick(WORKERS) }),
          () => ({ type: 'pick', workerId: pick(WORKERS) }),
          () => ({ type: 'leave', entryId: target().entryId }),
          () => ({ type: 'assign_waiting' }),
          () => {
            const { entryId, workerId } = target();
            return { type: 'transfer', entryId, fromWorkerId: workerId, toWorkerId: pick(WORKERS) };
          },
          () => ({ type: 'hold', ...target() }),
          () => {
            const held = onHold.length > 0 ? pick(onHold) : undefined;
            return held === undefined
              ? { type: 'resume', ...target() }
              : { type: 'resume', entryId: held.id, workerId: held.workerId };
          },
          () => ({ type: 'close', ...target(), outcome: pick(OUTCOMES) }),
          () => ({ type: 'close', ...target(), outcome: pick(OUTCOMES) }),
        ])();

        const before = state;
        const result = applyQueueCommand(state, command, ctx, new Date(now));
        if (!result.ok) continue; // an error leaves the stored state as it was
        state = result.value.state;
        const where = `seed ${seed}, step ${step}, ${command.type}`;

        // Version moves exactly when something happened.
        expect(state.version, where).toBe(before.version + (result.value.events.length > 0 ? 1 : 0));
        // One entry per conversation and per resident.
        expect(new Set(state.entries.map((entry) => entry.id)).size, where).toBe(state.entries.length);
        expect(new Set(state.entries.map((entry) => entry.residentId)).size, where).toBe(
          state.entries.length,
        );
        // Capacity: nobody ever above the limit.
        for (const worker of WORKERS) {
          expect(activeCount(state, worker), where).toBeLessThanOrEqual(settings.maxConcurrentPerWorker);
        }
        for (const event of result.value.events) {
          seen[event.type]++;
          if (event.type !== 'assigned') continue;
          // Never assigned twice…
          expect(everAssigned.has(event.entryId), where).toBe(false);
          everAssigned.add(event.entryId);
          // …only to staff on duty…
          expect(staff, where).toContain(event.workerId);
          // …and in order of joining.
          const sequence = Number(event.entryId.slice(1));
          expect(sequence, where).toBeGreaterThan(lastAssignedSequence);
          lastAssignedSequence = sequence;
        }
        // Auto-assignment leaves no free seat next to someone who can be served.
        if (settings.autoAssign) {
          const afterwards = unwrap(applyQueueCommand(state, { type: 'assign_waiting' }, ctx, new Date(now)));
          expect(afterwards.events, where).toEqual([]);
        }
      }
    }
    // The random walk really exercised every transition (so the invariants above were tested, not vacuous).
    for (const count of Object.values(seen)) expect(count).toBeGreaterThan(50);
  });
});
