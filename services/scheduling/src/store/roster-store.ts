import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import { openingHours, type OpeningHours } from '@spreekuur/protocol/scheduling';
import { DAY_MS, toggleExpiry, type DutyRoster, type DutyToggle, type RosterShift } from '../domain/index.ts';
import { NEVER_OPEN } from './team-store.ts';

export interface ShiftRow extends RosterShift {
  readonly id: string;
  readonly teamId: string;
}

type ShiftDbRow = { id: string; team_id: string; worker_id: string; start_at: Date; end_at: Date };

const toShift = (row: ShiftDbRow): ShiftRow => ({
  id: row.id,
  teamId: row.team_id,
  workerId: row.worker_id,
  start: row.start_at,
  end: row.end_at,
});

/** How far back the roster is read: duty after a closing (finish_queue) looks back to that closing. */
const LOOKBACK_DAYS = 32;
/** How far ahead: "when will this worker be on duty again" looks this far. */
const LOOKAHEAD_DAYS = 62;

const lookbackStart = (now: Date) => new Date(now.getTime() - LOOKBACK_DAYS * DAY_MS);

/** Everything that decides who is on duty around `now` for a team. */
export async function loadRoster(
  db: Queryable,
  teamId: string,
  hours: OpeningHours,
  now: Date,
): Promise<DutyRoster> {
  const from = lookbackStart(now);
  const to = new Date(now.getTime() + LOOKAHEAD_DAYS * DAY_MS);
  const shifts = await db.query<ShiftDbRow>(
    `SELECT id, team_id, worker_id, start_at, end_at FROM duty_shifts
      WHERE team_id = $1 AND end_at > $2 AND start_at < $3 ORDER BY start_at`,
    [teamId, from, to],
  );
  const toggles = await db.query<{ worker_id: string; on_duty: boolean; at: Date; ends_at: Date | null }>(
    `SELECT worker_id, on_duty, at, ends_at FROM duty_toggles
      WHERE team_id = $1 AND at > $2 AND at <= $3 ORDER BY at`,
    [teamId, from, to],
  );
  return {
    hours,
    shifts: shifts.rows.map(toShift),
    toggles: toggles.rows.map((row): DutyToggle => ({
      workerId: row.worker_id,
      onDuty: row.on_duty,
      at: row.at,
      // Made before migration 0005 and not filled in yet: read as before, from the hours now.
      endsAt: row.ends_at ?? toggleExpiry(hours, row.at),
    })),
  };
}

export async function listShifts(db: Queryable, teamId: string, from: Date, to: Date): Promise<ShiftRow[]> {
  const { rows } = await db.query<ShiftDbRow>(
    `SELECT id, team_id, worker_id, start_at, end_at FROM duty_shifts
      WHERE team_id = $1 AND end_at > $2 AND start_at < $3 ORDER BY start_at, worker_id LIMIT 2000`,
    [teamId, from, to],
  );
  return rows.map(toShift);
}

/** A worker's shifts in any team overlapping `[from, to)`: office-hour duty blocks appointments. */
export async function workerShifts(
  db: Queryable,
  workerId: string,
  from: Date,
  to: Date,
): Promise<ShiftRow[]> {
  const { rows } = await db.query<ShiftDbRow>(
    `SELECT id, team_id, worker_id, start_at, end_at FROM duty_shifts
      WHERE worker_id = $1 AND end_at > $2 AND start_at < $3 ORDER BY start_at`,
    [workerId, from, to],
  );
  return rows.map(toShift);
}

export async function insertShift(
  tx: Queryable,
  shift: { orgId: string; teamId: string; workerId: string; start: Date; end: Date; createdBy: string },
): Promise<ShiftRow> {
  const id = randomUUID();
  await tx.query(
    `INSERT INTO duty_shifts (id, org_id, team_id, worker_id, start_at, end_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [id, shift.orgId, shift.teamId, shift.workerId, shift.start, shift.end, shift.createdBy],
  );
  return { id, teamId: shift.teamId, workerId: shift.workerId, start: shift.start, end: shift.end };
}

export async function deleteShift(
  tx: Queryable,
  orgId: string,
  teamId: string,
  shiftId: string,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    'DELETE FROM duty_shifts WHERE id = $1 AND team_id = $2 AND org_id = $3',
    [shiftId, teamId, orgId],
  );
  return rowCount > 0;
}

export async function insertToggle(
  tx: Queryable,
  toggle: DutyToggle & { orgId: string; teamId: string },
): Promise<void> {
  await tx.query(
    `INSERT INTO duty_toggles (id, org_id, team_id, worker_id, on_duty, at, ends_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [randomUUID(), toggle.orgId, toggle.teamId, toggle.workerId, toggle.onDuty, toggle.at, toggle.endsAt],
  );
}

/**
 * Switches without a stored end (made before migration 0005, or by a node still running the older
 * code) get one, once: from the hours published now, which is what they were read with until now.
 * Only those still within the roster's look-back; older ones are never read again. Returns how
 * many were filled in.
 */
export async function fillMissingToggleEnds(db: Queryable, now: Date): Promise<number> {
  const { rows } = await db.query<{ id: string; at: Date; hours: unknown }>(
    `SELECT t.id, t.at, o.hours FROM duty_toggles t
       LEFT JOIN office_hour_teams o ON o.team_id = t.team_id
      WHERE t.ends_at IS NULL AND t.at > $1 ORDER BY t.at`,
    [lookbackStart(now)],
  );
  for (const row of rows) {
    const hours = row.hours === null ? NEVER_OPEN : openingHours.parse(row.hours);
    await db.query('UPDATE duty_toggles SET ends_at = $2 WHERE id = $1 AND ends_at IS NULL', [
      row.id,
      toggleExpiry(hours, row.at),
    ]);
  }
  return rows.length;
}
