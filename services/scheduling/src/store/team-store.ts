import type { Queryable } from '@spreekuur/db';
import {
  openingHours,
  queueSettings,
  type OpeningHours,
  type QueueSettings,
} from '@spreekuur/protocol/scheduling';

/** A team's office hours and queue settings as stored (validated by the protocol's zod schemas). */
export interface TeamSchedule {
  readonly teamId: string;
  readonly orgId: string;
  /** False until the team publishes hours; `hours` is then an always-closed schedule. */
  readonly published: boolean;
  readonly hours: OpeningHours;
  readonly settings: QueueSettings;
  readonly updatedAt: Date | null;
}

/** Hours of a team that has published none: closed every day. */
export const NEVER_OPEN: OpeningHours = openingHours.parse({ weekly: { days: {} } });

export interface TeamRow extends Record<string, unknown> {
  team_id: string;
  org_id: string;
  hours: unknown;
  settings: unknown;
  queue_version: number;
  next_sequence: number;
  last_assigned_at: Record<string, string>;
  updated_at: Date | null;
}

export function scheduleOf(row: TeamRow | undefined, orgId: string, teamId: string): TeamSchedule {
  if (!row) {
    return {
      teamId,
      orgId,
      published: false,
      hours: NEVER_OPEN,
      settings: queueSettings.parse({}),
      updatedAt: null,
    };
  }
  return {
    teamId,
    orgId,
    published: row.hours !== null,
    hours: row.hours === null ? NEVER_OPEN : openingHours.parse(row.hours),
    settings: queueSettings.parse(row.settings),
    updatedAt: row.updated_at,
  };
}

export async function loadTeamSchedule(db: Queryable, orgId: string, teamId: string): Promise<TeamSchedule> {
  const { rows } = await db.query<TeamRow>(
    'SELECT * FROM office_hour_teams WHERE team_id = $1 AND org_id = $2',
    [teamId, orgId],
  );
  return scheduleOf(rows[0], orgId, teamId);
}

/**
 * The team's queue row, locked until the transaction ends (made on first use). Every change to
 * the team's queue happens under this lock, one at a time: the fairness guarantee.
 */
export async function lockTeam(tx: Queryable, orgId: string, teamId: string): Promise<TeamRow> {
  await tx.query(
    'INSERT INTO office_hour_teams (team_id, org_id) VALUES ($1, $2) ON CONFLICT (team_id) DO NOTHING',
    [teamId, orgId],
  );
  const { rows } = await tx.query<TeamRow>(
    'SELECT * FROM office_hour_teams WHERE team_id = $1 AND org_id = $2 FOR UPDATE',
    [teamId, orgId],
  );
  return rows[0]!;
}

export async function saveHours(
  tx: Queryable,
  orgId: string,
  teamId: string,
  hours: OpeningHours,
  now: Date,
): Promise<void> {
  await lockTeam(tx, orgId, teamId);
  await tx.query('UPDATE office_hour_teams SET hours = $2, updated_at = $3 WHERE team_id = $1', [
    teamId,
    JSON.stringify(hours),
    now,
  ]);
}

export async function saveQueueSettings(
  tx: Queryable,
  orgId: string,
  teamId: string,
  settings: QueueSettings,
  now: Date,
): Promise<void> {
  await lockTeam(tx, orgId, teamId);
  await tx.query('UPDATE office_hour_teams SET settings = $2, updated_at = $3 WHERE team_id = $1', [
    teamId,
    JSON.stringify(settings),
    now,
  ]);
}

/** Teams with published hours (for planning their opening and closing jobs). */
export async function publishedTeams(db: Queryable): Promise<Array<{ orgId: string; teamId: string }>> {
  const { rows } = await db.query<{ org_id: string; team_id: string }>(
    'SELECT org_id, team_id FROM office_hour_teams WHERE hours IS NOT NULL',
  );
  return rows.map((row) => ({ orgId: row.org_id, teamId: row.team_id }));
}
