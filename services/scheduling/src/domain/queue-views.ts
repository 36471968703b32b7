import type { ResidentQueueView, WaitEstimate, WorkerQueueView } from '@spreekuur/protocol/scheduling';
import { toUtcIso, toZonedInstant } from './local-time.ts';
import {
  findEntry,
  isPickable,
  queuePhase,
  staffLoads,
  waitingEntries,
  type QueueContext,
  type QueuePhase,
  type QueueState,
} from './queue-state.ts';
import { estimateWait } from './wait-estimate.ts';

export interface QueueViewInput {
  readonly state: QueueState;
  readonly context: QueueContext;
  readonly now: Date;
  /** Recent handling durations in seconds, newest first (from the `closed` events). */
  readonly recentHandlingSeconds: readonly number[];
  readonly defaultHandlingSeconds?: number;
}

function seats(input: QueueViewInput): { totalSeats: number; freeSeats: number } {
  const loads = staffLoads(input.state, input.context);
  return {
    totalSeats: loads.reduce((sum, load) => sum + load.capacity, 0),
    freeSeats: loads.reduce((sum, load) => sum + Math.max(0, load.capacity - load.activeCount), 0),
  };
}

/** Estimated wait for whoever is `pickablePosition`-th among those who can be served now. */
function estimateFor(input: QueueViewInput, phase: QueuePhase, pickablePosition: number): WaitEstimate {
  if (phase.mode === 'closed') return { kind: 'unknown', reason: 'closed' };
  return estimateWait({
    position: pickablePosition,
    ...seats(input),
    recentHandlingSeconds: input.recentHandlingSeconds,
    ...(input.defaultHandlingSeconds === undefined
      ? {}
      : { defaultHandlingSeconds: input.defaultHandlingSeconds }),
  });
}

/** What one resident sees; null when the entry is no longer in the queue (closed or left). */
export function residentQueueView(
  input: QueueViewInput,
  entryId: string,
  residentTimeZone: string,
): ResidentQueueView | null {
  const entry = findEntry(input.state, entryId);
  if (entry === undefined) return null;
  switch (entry.status) {
    case 'assigned':
      return { status: 'assigned', entryId, assignedAt: toUtcIso(entry.assignedAt) };
    case 'on_hold':
      return { status: 'on_hold', entryId, heldAt: toUtcIso(entry.heldAt) };
    case 'waiting':
      break;
  }
  const phase = queuePhase(input.context.hours, input.context.settings, input.now);
  const waiting = waitingEntries(input.state);
  const position = waiting.findIndex((candidate) => candidate.id === entryId) + 1;
  if (!isPickable(entry, phase)) {
    // A question left after closing: for this resident the queue is closed until the next opening.
    const opensAt = phase.mode === 'open' ? null : phase.opensAt;
    return {
      status: 'waiting',
      entryId,
      position,
      waitEstimate: { kind: 'unknown', reason: 'closed' },
      mode: 'closed',
      opensAt: opensAt === null ? null : toZonedInstant(opensAt, residentTimeZone),
    };
  }
  const pickablePosition = waiting.filter(
    (candidate) => candidate.sequence <= entry.sequence && isPickable(candidate, phase),
  ).length;
  return {
    status: 'waiting',
    entryId,
    position,
    waitEstimate: estimateFor(input, phase, pickablePosition),
    mode: phase.mode,
    opensAt: null,
  };
}

/** What workers of the team see. */
export function workerQueueView(input: QueueViewInput, displayTimeZone: string): WorkerQueueView {
  const { state, context, now } = input;
  const phase = queuePhase(context.hours, context.settings, now);
  const waiting = waitingEntries(state);
  const pickableCount = waiting.filter((entry) => isPickable(entry, phase)).length;
  const closesAt = phase.mode === 'open' ? phase.closesAt : null;
  const opensAt = phase.mode === 'open' ? null : phase.opensAt;
  return {
    mode: phase.mode,
    closesAt: closesAt === null ? null : toZonedInstant(closesAt, displayTimeZone),
    opensAt: opensAt === null ? null : toZonedInstant(opensAt, displayTimeZone),
    waiting: waiting.map((entry, index) => ({
      entryId: entry.id,
      position: index + 1,
      joinedAt: toUtcIso(entry.joinedAt),
      waitingSeconds: Math.max(0, Math.floor((now.getTime() - entry.joinedAt.getTime()) / 1000)),
      pickable: isPickable(entry, phase),
    })),
    active: state.entries.flatMap((entry): WorkerQueueView['active'] => {
      switch (entry.status) {
        case 'waiting':
          return [];
        case 'assigned':
          return [
            {
              status: 'assigned',
              entryId: entry.id,
              workerId: entry.workerId,
              assignedAt: toUtcIso(entry.assignedAt),
            },
          ];
        case 'on_hold':
          return [
            {
              status: 'on_hold',
              entryId: entry.id,
              workerId: entry.workerId,
              assignedAt: toUtcIso(entry.assignedAt),
              heldAt: toUtcIso(entry.heldAt),
            },
          ];
      }
    }),
    staff: staffLoads(state, context),
    // What a resident joining now would be told.
    nextWaitEstimate:
      phase.mode === 'open'
        ? estimateFor(input, phase, pickableCount + 1)
        : { kind: 'unknown', reason: 'closed' },
  };
}
