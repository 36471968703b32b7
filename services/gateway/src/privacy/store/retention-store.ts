import type { Queryable } from '@spreekuur/db';
import {
  retentionSettings,
  teamRetentionOverrides,
  type RetentionSettings,
} from '@spreekuur/protocol/privacy';
import type { TeamOverrides } from '../domain/retention-policy.ts';

/** Retention settings: `retention_org_settings` and `retention_team_settings` (migration 0007). */

/** The organisation's stored periods (validated; null: none stored, the defaults apply). */
export async function loadOrgRetention(
  db: Queryable,
  orgId: string,
): Promise<{ settings: Partial<RetentionSettings> | null; updatedAt: Date | null }> {
  const { rows } = await db.query<{ settings: unknown; updated_at: Date }>(
    'SELECT settings, updated_at FROM retention_org_settings WHERE org_id = $1',
    [orgId],
  );
  const row = rows[0];
  if (!row) return { settings: null, updatedAt: null };
  return { settings: retentionSettings.partial().parse(row.settings), updatedAt: row.updated_at };
}

export async function saveOrgRetention(
  db: Queryable,
  orgId: string,
  settings: RetentionSettings,
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO retention_org_settings (org_id, settings, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (org_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at`,
    [orgId, JSON.stringify(settings), now],
  );
}

/** Locks the organisation's settings row (creating it), so two admins' changes apply one after the other. */
export async function lockOrgRetention(tx: Queryable, orgId: string, now: Date): Promise<void> {
  await tx.query(
    `INSERT INTO retention_org_settings (org_id, settings, updated_at) VALUES ($1, '{}'::jsonb, $2)
     ON CONFLICT (org_id) DO NOTHING`,
    [orgId, now],
  );
  await tx.query('SELECT 1 FROM retention_org_settings WHERE org_id = $1 FOR UPDATE', [orgId]);
}

export async function loadTeamOverrides(
  db: Queryable,
  orgId: string,
): Promise<Array<{ teamId: string; overrides: TeamOverrides }>> {
  const { rows } = await db.query<{ team_id: string; overrides: unknown }>(
    'SELECT team_id, overrides FROM retention_team_settings WHERE org_id = $1 ORDER BY team_id',
    [orgId],
  );
  return rows.map((row) => {
    const parsed = teamRetentionOverrides.parse(row.overrides);
    return {
      teamId: row.team_id,
      overrides: {
        officeHourDays: parsed.officeHourDays ?? null,
        queueDays: parsed.queueDays ?? null,
        appointmentsDays: parsed.appointmentsDays ?? null,
      },
    };
  });
}

export async function saveTeamOverrides(
  db: Queryable,
  orgId: string,
  teamId: string,
  overrides: TeamOverrides,
  now: Date,
): Promise<void> {
  if (Object.values(overrides).every((value) => value === null)) {
    await db.query('DELETE FROM retention_team_settings WHERE team_id = $1 AND org_id = $2', [teamId, orgId]);
    return;
  }
  await db.query(
    `INSERT INTO retention_team_settings (team_id, org_id, overrides, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (team_id) DO UPDATE SET overrides = EXCLUDED.overrides, updated_at = EXCLUDED.updated_at`,
    [teamId, orgId, JSON.stringify(overrides), now],
  );
}

export async function teamExists(db: Queryable, orgId: string, teamId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM teams WHERE id = $1 AND org_id = $2', [teamId, orgId]);
  return rows.length > 0;
}

export async function organisationIds(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('SELECT id FROM organisations ORDER BY id');
  return rows.map((row) => row.id);
}
