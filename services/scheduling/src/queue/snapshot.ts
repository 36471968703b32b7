import type { Queryable } from '@spreekuur/db';
import type { QueueConversation, ResidentQueueEntry, TeamQueue } from '@spreekuur/protocol/scheduling';
import {
  queueStaff,
  residentQueueView,
  toUtcIso,
  workerQueueView,
  type DutyRoster,
  type QueueContext,
  type QueueState,
  type QueueViewInput,
} from '../domain/index.ts';
import {
  isLive,
  loadLiveEntries,
  queueStateOf,
  recentHandlingSeconds,
  type EntryRow,
} from '../store/queue-store.ts';
import { loadRoster } from '../store/roster-store.ts';
import { lockTeam, scheduleOf, type TeamRow, type TeamSchedule } from '../store/team-store.ts';

/** Everything the queue rules and views need about one team at one instant. */
export interface QueueSnapshot {
  readonly now: Date;
  readonly schedule: TeamSchedule;
  readonly roster: DutyRoster;
  /** Workers taking conversations now (on duty, or finishing the queue after closing). */
  readonly staff: string[];
  readonly live: EntryRow[];
  readonly state: QueueState;
  readonly context: QueueContext;
}

const EMPTY_TEAM_ROW = (orgId: string, teamId: string): TeamRow => ({
  team_id: teamId,
  org_id: orgId,
  hours: null,
  settings: {},
  queue_version: 0,
  next_sequence: 1,
  last_assigned_at: {},
  updated_at: null,
});

/** Reads a team's queue at `now`, without its lock (views and cheap checks before a command). */
export async function loadSnapshot(
  db: Queryable,
  orgId: string,
  teamId: string,
  now: Date,
): Promise<QueueSnapshot> {
  const { rows } = await db.query<TeamRow>(
    'SELECT * FROM office_hour_teams WHERE team_id = $1 AND org_id = $2',
    [teamId, orgId],
  );
  return snapshotOf(db, rows[0] ?? EMPTY_TEAM_ROW(orgId, teamId), orgId, teamId, now);
}

/**
 * Takes the team's queue lock inside `tx`, then reads the clock: a command that waited for the
 * lock (another node's command on the team) decides at the time it actually runs, not at the
 * time it started waiting — a join that waited across closing time is not taken live.
 */
export async function lockSnapshot(
  tx: Queryable,
  orgId: string,
  teamId: string,
  clock: () => Date,
): Promise<QueueSnapshot> {
  const row = await lockTeam(tx, orgId, teamId);
  return snapshotOf(tx, row, orgId, teamId, clock());
}

async function snapshotOf(
  db: Queryable,
  row: TeamRow,
  orgId: string,
  teamId: string,
  now: Date,
): Promise<QueueSnapshot> {
  const schedule = scheduleOf(row, orgId, teamId);
  const roster = await loadRoster(db, teamId, schedule.hours, now);
  const staff = queueStaff(roster, schedule.settings, now);
  const live = await loadLiveEntries(db, teamId);
  const state = queueStateOf(row, live);
  return {
    now,
    schedule,
    roster,
    staff,
    live,
    state,
    context: { settings: schedule.settings, hours: schedule.hours, staff },
  };
}

async function viewInput(db: Queryable, snapshot: QueueSnapshot): Promise<QueueViewInput> {
  return {
    state: snapshot.state,
    context: snapshot.context,
    now: snapshot.now,
    recentHandlingSeconds: await recentHandlingSeconds(db, snapshot.schedule.teamId),
  };
}

export function conversationOf(row: EntryRow): QueueConversation {
  return {
    entryId: row.id,
    teamId: row.team_id,
    channelId: row.channel_id,
    residentId: row.resident_id,
    status: row.status,
    workerId: row.worker_id,
    asQuestion: row.as_question,
    joinedAt: toUtcIso(row.joined_at),
  };
}

/** The queue as the team's workers see it, times in the team's zone. */
export async function teamQueueOf(db: Queryable, snapshot: QueueSnapshot): Promise<TeamQueue> {
  return {
    teamId: snapshot.schedule.teamId,
    view: workerQueueView(await viewInput(db, snapshot), snapshot.schedule.hours.weekly.timeZone),
    conversations: snapshot.live.map(conversationOf),
  };
}

/** What each resident sees of their own entry (ended ones included, so their screen can say so). */
export async function residentEntriesOf(
  db: Queryable,
  snapshot: QueueSnapshot,
  rows: readonly EntryRow[],
): Promise<ResidentQueueEntry[]> {
  const input = await viewInput(db, snapshot);
  return rows.map((row) => ({
    entryId: row.id,
    teamId: row.team_id,
    channelId: row.channel_id,
    asQuestion: row.as_question,
    joinedAt: toUtcIso(row.joined_at),
    view: isLive(row) ? residentQueueView(input, row.id, row.time_zone) : null,
    ended:
      row.status === 'closed' || row.status === 'left' ? { reason: row.status, outcome: row.outcome } : null,
  }));
}
