import type { OpeningHours, QueueSettings } from '@spreekuur/protocol/scheduling';
import { currentClosing, isOpenAt, lastClosing, nextOpening } from './office-hours.ts';

interface EntryBase {
  /** The office-hour conversation's id (chosen by the edge). */
  readonly id: string;
  readonly residentId: string;
  /** Order of joining: the one source of first-come-first-served. Never reused. */
  readonly sequence: number;
  readonly joinedAt: Date;
  /** Left outside office hours, to be answered from the next opening. */
  readonly asQuestion: boolean;
}

export type WaitingEntry = EntryBase & { readonly status: 'waiting' };
export type AssignedEntry = EntryBase & {
  readonly status: 'assigned';
  readonly workerId: string;
  readonly assignedAt: Date;
};
/** Parked by its worker (e.g. waiting for the resident); does not take a capacity seat. */
export type OnHoldEntry = EntryBase & {
  readonly status: 'on_hold';
  readonly workerId: string;
  readonly assignedAt: Date;
  readonly heldAt: Date;
};
export type QueueEntry = WaitingEntry | AssignedEntry | OnHoldEntry;
/** The statuses of a live entry (the queue's `queueEntryStatus` without the ended ones). */
export type LiveEntryStatus = QueueEntry['status'];

/**
 * One team's live queue. Closed and left conversations are removed (the events record them), so
 * the state stays small. Persist it per team and apply commands one at a time (row lock, or an
 * optimistic check on `version`): that serialisation is what makes concurrent joins and picks fair.
 */
export interface QueueState {
  /** +1 on every change; for optimistic concurrency (`UPDATE … WHERE version = $read`). */
  readonly version: number;
  readonly nextSequence: number;
  /** Sorted by `sequence`. */
  readonly entries: readonly QueueEntry[];
  /** When each worker last got a conversation: the tie-break between equally busy workers. */
  readonly lastAssignedAt: Readonly<Record<string, Date>>;
}

export const emptyQueue: QueueState = { version: 0, nextSequence: 1, entries: [], lastAssignedAt: {} };

/** What the queue needs to know about the world at `now`, computed by the caller. */
export interface QueueContext {
  readonly settings: QueueSettings;
  readonly hours: OpeningHours;
  /** Workers who may take conversations now: `queueStaff(...)` from duty.ts. */
  readonly staff: readonly string[];
}

export type QueuePhase =
  | { readonly mode: 'open'; readonly closesAt: Date | null }
  /** Hours ended with `finish_queue`: those who joined before `closedAt` are still served. */
  | { readonly mode: 'finishing'; readonly closedAt: Date; readonly opensAt: Date | null }
  | { readonly mode: 'closed'; readonly opensAt: Date | null };

/** Open, finishing or closed, derived from the hours at `now` (no stored phase to drift). */
export function queuePhase(hours: OpeningHours, settings: QueueSettings, now: Date): QueuePhase {
  if (isOpenAt(hours, now)) return { mode: 'open', closesAt: currentClosing(hours, now) };
  const opensAt = nextOpening(hours, now);
  if (settings.whenHoursEnd === 'finish_queue') {
    const closedAt = lastClosing(hours, now);
    if (closedAt !== null) return { mode: 'finishing', closedAt, opensAt };
  }
  return { mode: 'closed', opensAt };
}

/** Waiting entries in first-come-first-served order. */
export function waitingEntries(state: QueueState): WaitingEntry[] {
  return state.entries.filter((entry): entry is WaitingEntry => entry.status === 'waiting');
}

/** Whether a worker may take this entry now: any while open; while finishing, those who joined before closing. */
export function isPickable(entry: WaitingEntry, phase: QueuePhase): boolean {
  switch (phase.mode) {
    case 'open':
      return true;
    case 'finishing':
      return entry.joinedAt < phase.closedAt;
    case 'closed':
      return false;
  }
}

/** The next entry to be served now, if any. */
export function headOfQueue(state: QueueState, phase: QueuePhase): WaitingEntry | undefined {
  return waitingEntries(state).find((entry) => isPickable(entry, phase));
}

/** 1-based place among the waiting, or null if the entry is not waiting. */
export function positionOf(state: QueueState, entryId: string): number | null {
  const index = waitingEntries(state).findIndex((entry) => entry.id === entryId);
  return index === -1 ? null : index + 1;
}

export function findEntry(state: QueueState, entryId: string): QueueEntry | undefined {
  return state.entries.find((entry) => entry.id === entryId);
}

/** Conversations taking a seat of this worker (on hold ones do not). */
export function activeCount(state: QueueState, workerId: string): number {
  return state.entries.filter((entry) => entry.status === 'assigned' && entry.workerId === workerId).length;
}

function onHoldCount(state: QueueState, workerId: string): number {
  return state.entries.filter((entry) => entry.status === 'on_hold' && entry.workerId === workerId).length;
}

export interface StaffLoad {
  readonly workerId: string;
  readonly activeCount: number;
  readonly onHoldCount: number;
  readonly capacity: number;
}

export function staffLoads(state: QueueState, context: QueueContext): StaffLoad[] {
  return [...new Set(context.staff)].map((workerId) => ({
    workerId,
    activeCount: activeCount(state, workerId),
    onHoldCount: onHoldCount(state, workerId),
    capacity: context.settings.maxConcurrentPerWorker,
  }));
}
