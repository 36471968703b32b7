import type { Queryable } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { CloseOutcome, QueueEntryStatus } from '@spreekuur/protocol/scheduling';
import { MAX_HANDLING_SAMPLES, type QueueEntry, type QueueEvent, type QueueState } from '../domain/index.ts';
import type { TeamRow } from './team-store.ts';

export interface EntryRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  team_id: string;
  resident_id: string;
  channel_id: string;
  sequence: number;
  status: QueueEntryStatus;
  as_question: boolean;
  time_zone: string;
  joined_at: Date;
  worker_id: string | null;
  assigned_at: Date | null;
  held_at: Date | null;
  reader_ids: string[];
  ended_at: Date | null;
  outcome: CloseOutcome | null;
  handling_seconds: number | null;
}

const LIVE = `status IN ('waiting', 'assigned', 'on_hold')`;

export function isLive(row: Pick<EntryRow, 'status'>): boolean {
  return row.status === 'waiting' || row.status === 'assigned' || row.status === 'on_hold';
}

/** A stored live entry as the domain sees it. */
function toQueueEntry(row: EntryRow): QueueEntry {
  const base = {
    id: row.id,
    residentId: row.resident_id,
    sequence: row.sequence,
    joinedAt: row.joined_at,
    asQuestion: row.as_question,
  };
  switch (row.status) {
    case 'waiting':
      return { ...base, status: 'waiting' };
    case 'assigned':
      return { ...base, status: 'assigned', workerId: row.worker_id!, assignedAt: row.assigned_at! };
    case 'on_hold':
      return {
        ...base,
        status: 'on_hold',
        workerId: row.worker_id!,
        assignedAt: row.assigned_at!,
        heldAt: row.held_at!,
      };
    case 'closed':
    case 'left':
      throw new RangeError(`entry ${row.id} is not live`);
  }
}

export async function loadLiveEntries(db: Queryable, teamId: string): Promise<EntryRow[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT * FROM queue_entries WHERE team_id = $1 AND ${LIVE} ORDER BY sequence`,
    [teamId],
  );
  return rows;
}

export function queueStateOf(team: TeamRow, live: readonly EntryRow[]): QueueState {
  return {
    version: team.queue_version,
    nextSequence: team.next_sequence,
    entries: live.map(toQueueEntry),
    lastAssignedAt: Object.fromEntries(
      Object.entries(team.last_assigned_at).map(([workerId, at]) => [workerId, new Date(at)]),
    ),
  };
}

/** Handling times of the most recent closed conversations, newest first (for the wait estimate). */
export async function recentHandlingSeconds(db: Queryable, teamId: string): Promise<number[]> {
  const { rows } = await db.query<{ handling_seconds: number }>(
    `SELECT handling_seconds FROM queue_entries
      WHERE team_id = $1 AND status = 'closed' AND handling_seconds IS NOT NULL
      ORDER BY ended_at DESC LIMIT $2`,
    [teamId, MAX_HANDLING_SAMPLES],
  );
  return rows.map((row) => row.handling_seconds);
}

/** One entry of the caller's organisation; 404 otherwise. */
export async function findEntry(db: Queryable, orgId: string, entryId: string): Promise<EntryRow> {
  const { rows } = await db.query<EntryRow>('SELECT * FROM queue_entries WHERE id = $1 AND org_id = $2', [
    entryId,
    orgId,
  ]);
  if (!rows[0]) throw new AppError('ERR_SCHED_QUEUE_ENTRY_NOT_FOUND');
  return rows[0];
}

export async function entriesByIds(db: Queryable, entryIds: readonly string[]): Promise<EntryRow[]> {
  if (entryIds.length === 0) return [];
  const { rows } = await db.query<EntryRow>('SELECT * FROM queue_entries WHERE id = ANY($1::uuid[])', [
    [...entryIds],
  ]);
  return rows;
}

/** A resident's live conversations, in every team. */
export async function liveEntriesOfResident(
  db: Queryable,
  orgId: string,
  residentId: string,
): Promise<EntryRow[]> {
  const { rows } = await db.query<EntryRow>(
    `SELECT * FROM queue_entries WHERE org_id = $1 AND resident_id = $2 AND ${LIVE} ORDER BY joined_at`,
    [orgId, residentId],
  );
  return rows;
}

export async function hasLiveEntry(db: Queryable, teamId: string, residentId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM queue_entries WHERE team_id = $1 AND resident_id = $2 AND ${LIVE}`,
    [teamId, residentId],
  );
  return rows.length > 0;
}

/** Workers to add to, or remove from, a conversation's channel once the transaction has committed. */
export interface MembershipChange {
  readonly orgId: string;
  readonly entryId: string;
  readonly channelId: string;
  readonly add: readonly string[];
  readonly remove: readonly string[];
  readonly byPersonId: string | null;
}

export interface JoinDetails {
  readonly entryId: string;
  readonly channelId: string;
  readonly timeZone: string;
  /** Workers made members when the channel was opened. */
  readonly readerIds: readonly string[];
}

/**
 * Writes one queue transition: the team's counters, new, changed and ended entries. Returns the
 * channel membership changes it implies (the assigned or transferred-to worker joins; everyone
 * but the resident leaves when the conversation ends).
 */
export async function persistTransition(
  tx: Queryable,
  spec: {
    orgId: string;
    teamId: string;
    before: readonly EntryRow[];
    after: QueueState;
    events: readonly QueueEvent[];
    join?: JoinDetails | undefined;
    byPersonId: string | null;
    now: Date;
  },
): Promise<MembershipChange[]> {
  const { after, now } = spec;
  const changes: MembershipChange[] = [];
  const rowsById = new Map(spec.before.map((row) => [row.id, row]));

  await tx.query(
    `UPDATE office_hour_teams SET queue_version = $2, next_sequence = $3, last_assigned_at = $4 WHERE team_id = $1`,
    [
      spec.teamId,
      after.version,
      after.nextSequence,
      JSON.stringify(
        Object.fromEntries(Object.entries(after.lastAssignedAt).map(([id, at]) => [id, at.toISOString()])),
      ),
    ],
  );

  for (const event of spec.events) {
    if (event.type !== 'closed' && event.type !== 'left') continue;
    const row = rowsById.get(event.entryId);
    if (!row) continue;
    await tx.query(
      `UPDATE queue_entries SET status = $2, ended_at = $3, outcome = $4, handling_seconds = $5 WHERE id = $1`,
      [
        row.id,
        event.type,
        now,
        event.type === 'closed' ? event.outcome : null,
        event.type === 'closed' ? event.handlingSeconds : null,
      ],
    );
    changes.push({
      orgId: spec.orgId,
      entryId: row.id,
      channelId: row.channel_id,
      add: [],
      remove: row.reader_ids,
      byPersonId: spec.byPersonId,
    });
  }

  for (const entry of after.entries) {
    const row = rowsById.get(entry.id);
    if (!row) {
      const join = spec.join;
      if (join?.entryId !== entry.id) throw new Error(`entry ${entry.id} appeared without a join`);
      await tx.query(
        `INSERT INTO queue_entries (id, org_id, team_id, resident_id, channel_id, sequence, status, as_question,
                                    time_zone, joined_at, worker_id, assigned_at, reader_ids)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          entry.id,
          spec.orgId,
          spec.teamId,
          entry.residentId,
          join.channelId,
          entry.sequence,
          entry.status,
          entry.asQuestion,
          join.timeZone,
          entry.joinedAt,
          entry.status === 'waiting' ? null : entry.workerId,
          entry.status === 'waiting' ? null : entry.assignedAt,
          [...new Set([...join.readerIds, ...(entry.status === 'waiting' ? [] : [entry.workerId])])],
        ],
      );
      if (entry.status !== 'waiting' && !join.readerIds.includes(entry.workerId)) {
        changes.push(addition(spec, entry.id, join.channelId, [entry.workerId]));
      }
      continue;
    }
    const workerId = entry.status === 'waiting' ? null : entry.workerId;
    const heldAt = entry.status === 'on_hold' ? entry.heldAt : null;
    const assignedAt = entry.status === 'waiting' ? null : entry.assignedAt;
    const unchanged =
      row.status === entry.status &&
      row.worker_id === workerId &&
      row.held_at?.getTime() === heldAt?.getTime() &&
      row.assigned_at?.getTime() === assignedAt?.getTime();
    if (unchanged) continue;
    const newReader = workerId !== null && !row.reader_ids.includes(workerId) ? [workerId] : [];
    await tx.query(
      `UPDATE queue_entries SET status = $2, worker_id = $3, assigned_at = $4, held_at = $5,
              reader_ids = reader_ids || $6::uuid[]
        WHERE id = $1`,
      [row.id, entry.status, workerId, assignedAt, heldAt, newReader],
    );
    if (newReader.length > 0) changes.push(addition(spec, row.id, row.channel_id, newReader));
  }
  return changes;
}

function addition(
  spec: { orgId: string; byPersonId: string | null },
  entryId: string,
  channelId: string,
  add: string[],
): MembershipChange {
  return { orgId: spec.orgId, entryId, channelId, add, remove: [], byPersonId: spec.byPersonId };
}

/**
 * Everyone taking conversations now becomes a reader of every waiting conversation, so whoever
 * picks it up is already in its channel (they can read what is sent from then on).
 */
export async function addStaffToWaiting(
  tx: Queryable,
  orgId: string,
  teamId: string,
  staff: readonly string[],
): Promise<MembershipChange[]> {
  if (staff.length === 0) return [];
  const { rows } = await tx.query<{ id: string; channel_id: string; reader_ids: string[] }>(
    `SELECT id, channel_id, reader_ids FROM queue_entries
      WHERE team_id = $1 AND status = 'waiting' AND NOT (reader_ids @> $2::uuid[])`,
    [teamId, [...staff]],
  );
  const changes: MembershipChange[] = [];
  for (const row of rows) {
    const add = staff.filter((workerId) => !row.reader_ids.includes(workerId));
    await tx.query('UPDATE queue_entries SET reader_ids = reader_ids || $2::uuid[] WHERE id = $1', [
      row.id,
      add,
    ]);
    changes.push({ orgId, entryId: row.id, channelId: row.channel_id, add, remove: [], byPersonId: null });
  }
  return changes;
}

/** Removes ended conversations older than `before` (the wait estimate only needs recent ones). */
export async function purgeEndedEntries(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    `DELETE FROM queue_entries WHERE status IN ('closed', 'left') AND ended_at < $1`,
    [before],
  );
  return rowCount;
}
