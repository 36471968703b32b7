import type { CloseOutcome, WhenClosedChoice } from '@spreekuur/protocol/scheduling';
import { fail, ok, type Result, type SchedulingError } from './errors.ts';
import { toUtcIso } from './local-time.ts';
import {
  activeCount,
  findEntry,
  headOfQueue,
  positionOf,
  queuePhase,
  staffLoads,
  type AssignedEntry,
  type OnHoldEntry,
  type QueueContext,
  type QueueEntry,
  type LiveEntryStatus,
  type QueuePhase,
  type QueueState,
  type WaitingEntry,
} from './queue-state.ts';

export type QueueCommand =
  /** A resident starts an office-hour conversation; while closed only as a question for the next opening. */
  | {
      readonly type: 'join';
      readonly entryId: string;
      readonly residentId: string;
      readonly whenClosed: WhenClosedChoice;
    }
  /** The resident leaves (from waiting, or ends an active conversation). */
  | { readonly type: 'leave'; readonly entryId: string }
  /** A worker takes the head of the queue; `expectedEntryId` guards against taking something they did not see. */
  | { readonly type: 'pick'; readonly workerId: string; readonly expectedEntryId?: string }
  /** With `autoAssign` on: hand waiting residents to free workers. Run at openings and when staff changes. */
  | { readonly type: 'assign_waiting' }
  | {
      readonly type: 'transfer';
      readonly entryId: string;
      readonly fromWorkerId: string;
      readonly toWorkerId: string;
    }
  | { readonly type: 'hold'; readonly entryId: string; readonly workerId: string }
  | { readonly type: 'resume'; readonly entryId: string; readonly workerId: string }
  | {
      readonly type: 'close';
      readonly entryId: string;
      readonly workerId: string;
      readonly outcome: CloseOutcome;
    };

/** What happened, for the edge to persist, broadcast and notify. Positions of the others follow from the state. */
export type QueueEvent =
  | {
      readonly type: 'joined';
      readonly entryId: string;
      readonly residentId: string;
      readonly sequence: number;
      readonly position: number;
      readonly asQuestion: boolean;
    }
  | {
      readonly type: 'left';
      readonly entryId: string;
      readonly residentId: string;
      readonly fromStatus: LiveEntryStatus;
      readonly workerId: string | null;
    }
  | {
      readonly type: 'assigned';
      readonly entryId: string;
      readonly residentId: string;
      readonly workerId: string;
      readonly by: 'pick' | 'auto';
      readonly waitedSeconds: number;
    }
  | {
      readonly type: 'transferred';
      readonly entryId: string;
      readonly residentId: string;
      readonly fromWorkerId: string;
      readonly toWorkerId: string;
    }
  | {
      readonly type: 'held';
      readonly entryId: string;
      readonly residentId: string;
      readonly workerId: string;
    }
  | {
      readonly type: 'resumed';
      readonly entryId: string;
      readonly residentId: string;
      readonly workerId: string;
    }
  | {
      readonly type: 'closed';
      readonly entryId: string;
      readonly residentId: string;
      readonly workerId: string;
      readonly outcome: CloseOutcome;
      /** Assigned → closed; feed it back into the wait estimate. */
      readonly handlingSeconds: number;
    };

type QueueErrorCode =
  | 'ERR_SCHED_CLOSED'
  | 'ERR_SCHED_ALREADY_QUEUED'
  | 'ERR_SCHED_QUEUE_ENTRY_NOT_FOUND'
  | 'ERR_SCHED_QUEUE_EMPTY'
  | 'ERR_SCHED_QUEUE_NOT_WAITING'
  | 'ERR_SCHED_QUEUE_NOT_NEXT'
  | 'ERR_SCHED_QUEUE_NOT_ASSIGNED'
  | 'ERR_SCHED_QUEUE_NOT_ON_HOLD'
  | 'ERR_SCHED_NOT_YOUR_CONVERSATION'
  | 'ERR_SCHED_TRANSFER_TO_SELF'
  | 'ERR_SCHED_OVER_CAPACITY'
  | 'ERR_SCHED_NOT_ON_DUTY';

interface QueueTransition {
  readonly state: QueueState;
  /** Empty when nothing changed (then `state` is the input state: nothing to write). */
  readonly events: readonly QueueEvent[];
}

type QueueResult = Result<QueueTransition, SchedulingError<QueueErrorCode>>;

/**
 * The one entry point: `(state, command, context, now) → { state, events } | error`. Pure; the
 * caller serialises calls per team. Guarantees, whatever the order of commands:
 * - an entry is assigned at most once (only waiting entries are assigned; transfers move, not assign);
 * - a worker never gets more active conversations than `maxConcurrentPerWorker` from a command;
 * - assignment follows first-come-first-served: always the waiting entry with the lowest sequence.
 */
export function applyQueueCommand(
  state: QueueState,
  command: QueueCommand,
  context: QueueContext,
  now: Date,
): QueueResult {
  const phase = queuePhase(context.hours, context.settings, now);
  const result = dispatch(state, command, context, phase, now);
  if (!result.ok) return result;
  // Every change may free a seat or add a resident: let auto-assignment catch up in the same step.
  const auto = assignWaiting(result.value.state, context, phase, now);
  const events = [...result.value.events, ...auto.events];
  if (events.length === 0) return ok({ state, events });
  return ok({ state: { ...auto.state, version: state.version + 1 }, events });
}

function dispatch(
  state: QueueState,
  command: QueueCommand,
  context: QueueContext,
  phase: QueuePhase,
  now: Date,
): QueueResult {
  switch (command.type) {
    case 'join':
      return join(state, command, phase, now);
    case 'leave':
      return leave(state, command.entryId);
    case 'pick':
      return pick(state, command, context, phase, now);
    case 'assign_waiting':
      return ok({ state, events: [] });
    case 'transfer':
      return transfer(state, command, context);
    case 'hold':
      return hold(state, command, now);
    case 'resume':
      return resume(state, command, context);
    case 'close':
      return close(state, command, now);
  }
}

function join(
  state: QueueState,
  command: Extract<QueueCommand, { type: 'join' }>,
  phase: QueuePhase,
  now: Date,
): QueueResult {
  if (findEntry(state, command.entryId) !== undefined) {
    return fail('ERR_SCHED_ALREADY_QUEUED', `entry ${command.entryId} is already in the queue`);
  }
  if (state.entries.some((entry) => entry.residentId === command.residentId)) {
    return fail('ERR_SCHED_ALREADY_QUEUED', `resident ${command.residentId} already has a queue entry`);
  }
  const asQuestion = phase.mode !== 'open';
  if (asQuestion && command.whenClosed === 'reject') {
    return fail('ERR_SCHED_CLOSED', 'office hours are closed', {
      opensAt: phase.opensAt === null ? null : toUtcIso(phase.opensAt),
    });
  }
  const entry: WaitingEntry = {
    id: command.entryId,
    residentId: command.residentId,
    sequence: state.nextSequence,
    joinedAt: now,
    asQuestion,
    status: 'waiting',
  };
  const next: QueueState = {
    ...state,
    nextSequence: state.nextSequence + 1,
    entries: [...state.entries, entry],
  };
  return ok({
    state: next,
    events: [
      {
        type: 'joined',
        entryId: entry.id,
        residentId: entry.residentId,
        sequence: entry.sequence,
        position: positionOf(next, entry.id) ?? 0,
        asQuestion,
      },
    ],
  });
}

function leave(state: QueueState, entryId: string): QueueResult {
  const entry = findEntry(state, entryId);
  if (entry === undefined) return notFound(entryId);
  return ok({
    state: withoutEntry(state, entryId),
    events: [
      {
        type: 'left',
        entryId,
        residentId: entry.residentId,
        fromStatus: entry.status,
        workerId: entry.status === 'waiting' ? null : entry.workerId,
      },
    ],
  });
}

function pick(
  state: QueueState,
  command: Extract<QueueCommand, { type: 'pick' }>,
  context: QueueContext,
  phase: QueuePhase,
  now: Date,
): QueueResult {
  if (phase.mode === 'closed') {
    return fail('ERR_SCHED_CLOSED', 'office hours are closed', {
      opensAt: phase.opensAt === null ? null : toUtcIso(phase.opensAt),
    });
  }
  const seatCheck = checkCanTakeMore(state, context, command.workerId);
  if (!seatCheck.ok) return seatCheck;
  const head = headOfQueue(state, phase);
  if (command.expectedEntryId !== undefined && command.expectedEntryId !== head?.id) {
    const expected = findEntry(state, command.expectedEntryId);
    if (expected === undefined) return notFound(command.expectedEntryId);
    if (expected.status !== 'waiting') {
      return fail('ERR_SCHED_QUEUE_NOT_WAITING', `entry ${expected.id} is already ${expected.status}`);
    }
    return fail('ERR_SCHED_QUEUE_NOT_NEXT', `entry ${expected.id} is not the next in line`);
  }
  if (head === undefined) return fail('ERR_SCHED_QUEUE_EMPTY', 'nobody is waiting to be served now');
  return ok(assign(state, head, command.workerId, 'pick', now));
}

/** Pick rule shared with transfer: on duty now and a free seat. */
function checkCanTakeMore(
  state: QueueState,
  context: QueueContext,
  workerId: string,
): Result<null, SchedulingError<'ERR_SCHED_NOT_ON_DUTY' | 'ERR_SCHED_OVER_CAPACITY'>> {
  if (!context.staff.includes(workerId)) {
    return fail('ERR_SCHED_NOT_ON_DUTY', `worker ${workerId} is not on duty`);
  }
  if (activeCount(state, workerId) >= context.settings.maxConcurrentPerWorker) {
    return fail('ERR_SCHED_OVER_CAPACITY', `worker ${workerId} is at capacity`, {
      capacity: context.settings.maxConcurrentPerWorker,
    });
  }
  return ok(null);
}

function assign(
  state: QueueState,
  entry: WaitingEntry,
  workerId: string,
  by: 'pick' | 'auto',
  now: Date,
): QueueTransition {
  const assigned: AssignedEntry = { ...entry, status: 'assigned', workerId, assignedAt: now };
  return {
    state: {
      ...withEntry(state, assigned),
      lastAssignedAt: { ...state.lastAssignedAt, [workerId]: now },
    },
    events: [
      {
        type: 'assigned',
        entryId: entry.id,
        residentId: entry.residentId,
        workerId,
        by,
        waitedSeconds: secondsBetween(entry.joinedAt, now),
      },
    ],
  };
}

/**
 * Auto-assignment: while someone can be served and a worker has a free seat, give the head of the
 * queue to the least busy worker (fewest active conversations; tie: longest since their last
 * assignment, never-assigned first; then worker id, so the outcome is deterministic).
 */
function assignWaiting(
  state: QueueState,
  context: QueueContext,
  phase: QueuePhase,
  now: Date,
): QueueTransition {
  if (!context.settings.autoAssign) return { state, events: [] };
  const events: QueueEvent[] = [];
  let current = state;
  for (;;) {
    const head = headOfQueue(current, phase);
    const worker = head === undefined ? undefined : leastBusyWorker(current, context);
    if (head === undefined || worker === undefined) break;
    const step = assign(current, head, worker, 'auto', now);
    current = step.state;
    events.push(...step.events);
  }
  return { state: current, events };
}

function leastBusyWorker(state: QueueState, context: QueueContext): string | undefined {
  const lastAssigned = (workerId: string) => state.lastAssignedAt[workerId]?.getTime() ?? -Infinity;
  const candidates = staffLoads(state, context)
    .filter((load) => load.activeCount < load.capacity)
    .sort(
      (a, b) =>
        a.activeCount - b.activeCount ||
        lastAssigned(a.workerId) - lastAssigned(b.workerId) ||
        (a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0),
    );
  return candidates[0]?.workerId;
}

function transfer(
  state: QueueState,
  command: Extract<QueueCommand, { type: 'transfer' }>,
  context: QueueContext,
): QueueResult {
  const owned = findOwnedEntry(state, command.entryId, command.fromWorkerId, 'assigned');
  if (!owned.ok) return owned;
  if (command.toWorkerId === command.fromWorkerId) {
    return fail('ERR_SCHED_TRANSFER_TO_SELF', 'transfer needs a different worker');
  }
  const seatCheck = checkCanTakeMore(state, context, command.toWorkerId);
  if (!seatCheck.ok) return seatCheck;
  const entry = owned.value;
  return ok({
    state: withEntry(state, { ...entry, workerId: command.toWorkerId }),
    events: [
      {
        type: 'transferred',
        entryId: entry.id,
        residentId: entry.residentId,
        fromWorkerId: command.fromWorkerId,
        toWorkerId: command.toWorkerId,
      },
    ],
  });
}

function hold(state: QueueState, command: Extract<QueueCommand, { type: 'hold' }>, now: Date): QueueResult {
  const owned = findOwnedEntry(state, command.entryId, command.workerId, 'assigned');
  if (!owned.ok) return owned;
  const entry = owned.value;
  return ok({
    state: withEntry(state, { ...entry, status: 'on_hold', heldAt: now }),
    events: [{ type: 'held', entryId: entry.id, residentId: entry.residentId, workerId: entry.workerId }],
  });
}

/** Resuming needs a free seat (held conversations do not hold one), but not duty: nobody is stranded. */
function resume(
  state: QueueState,
  command: Extract<QueueCommand, { type: 'resume' }>,
  context: QueueContext,
): QueueResult {
  const owned = findOwnedEntry(state, command.entryId, command.workerId, 'on_hold');
  if (!owned.ok) return owned;
  if (activeCount(state, command.workerId) >= context.settings.maxConcurrentPerWorker) {
    return fail('ERR_SCHED_OVER_CAPACITY', `worker ${command.workerId} is at capacity`, {
      capacity: context.settings.maxConcurrentPerWorker,
    });
  }
  const { heldAt: _heldAt, ...entry } = owned.value;
  return ok({
    state: withEntry(state, { ...entry, status: 'assigned' }),
    events: [{ type: 'resumed', entryId: entry.id, residentId: entry.residentId, workerId: entry.workerId }],
  });
}

function close(state: QueueState, command: Extract<QueueCommand, { type: 'close' }>, now: Date): QueueResult {
  const owned = findOwnedEntry(state, command.entryId, command.workerId, 'assigned', 'on_hold');
  if (!owned.ok) return owned;
  const entry = owned.value;
  return ok({
    state: withoutEntry(state, entry.id),
    events: [
      {
        type: 'closed',
        entryId: entry.id,
        residentId: entry.residentId,
        workerId: entry.workerId,
        outcome: command.outcome,
        handlingSeconds: secondsBetween(entry.assignedAt, now),
      },
    ],
  });
}

type ActiveEntry = AssignedEntry | OnHoldEntry;

/** The entry, if it has one of the `allowed` statuses and belongs to `workerId`. */
function findOwnedEntry<Status extends ActiveEntry['status']>(
  state: QueueState,
  entryId: string,
  workerId: string,
  ...allowed: Status[]
): Result<
  Extract<ActiveEntry, { status: Status }>,
  SchedulingError<
    | 'ERR_SCHED_QUEUE_ENTRY_NOT_FOUND'
    | 'ERR_SCHED_QUEUE_NOT_ASSIGNED'
    | 'ERR_SCHED_QUEUE_NOT_ON_HOLD'
    | 'ERR_SCHED_NOT_YOUR_CONVERSATION'
  >
> {
  const entry = findEntry(state, entryId);
  if (entry === undefined) return notFound(entryId);
  if (entry.status === 'waiting' || !(allowed as readonly string[]).includes(entry.status)) {
    return (allowed as readonly string[]).includes('assigned')
      ? fail('ERR_SCHED_QUEUE_NOT_ASSIGNED', `entry ${entryId} is ${entry.status}`)
      : fail('ERR_SCHED_QUEUE_NOT_ON_HOLD', `entry ${entryId} is ${entry.status}`);
  }
  if (entry.workerId !== workerId) {
    return fail('ERR_SCHED_NOT_YOUR_CONVERSATION', `entry ${entryId} belongs to another worker`);
  }
  return ok(entry as Extract<ActiveEntry, { status: Status }>);
}

function notFound(entryId: string) {
  return fail('ERR_SCHED_QUEUE_ENTRY_NOT_FOUND', `no queue entry ${entryId}`);
}

function withEntry(state: QueueState, entry: QueueEntry): QueueState {
  return {
    ...state,
    entries: state.entries.map((existing) => (existing.id === entry.id ? entry : existing)),
  };
}

function withoutEntry(state: QueueState, entryId: string): QueueState {
  return { ...state, entries: state.entries.filter((entry) => entry.id !== entryId) };
}

function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}

/** What to tell each waiting resident when hours end (run by the closing job from `nextTransition`). */
export interface ClosingNotice {
  readonly entryId: string;
  readonly residentId: string;
  /** `kept_for_next_opening`: you stay in line, we open at `opensAt`. `being_finished`: a worker will still answer. */
  readonly kind: 'kept_for_next_opening' | 'being_finished';
  readonly opensAt: Date | null;
}

export function closingNotices(state: QueueState, context: QueueContext, now: Date): ClosingNotice[] {
  const phase = queuePhase(context.hours, context.settings, now);
  if (phase.mode === 'open') return [];
  const someoneFinishes = phase.mode === 'finishing' && context.staff.length > 0;
  return state.entries
    .filter((entry): entry is WaitingEntry => entry.status === 'waiting')
    .map((entry) => ({
      entryId: entry.id,
      residentId: entry.residentId,
      kind: someoneFinishes && entry.joinedAt < phase.closedAt ? 'being_finished' : 'kept_for_next_opening',
      opensAt: phase.opensAt,
    }));
}
