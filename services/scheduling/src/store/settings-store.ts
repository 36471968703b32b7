import type { Queryable } from '@spreekuur/db';
import type { SchedulingSettings } from '@spreekuur/protocol/scheduling';

export async function loadSettings(db: Queryable, orgId: string): Promise<SchedulingSettings> {
  const { rows } = await db.query<{ calendar_resident_names: boolean }>(
    'SELECT calendar_resident_names FROM scheduling_org_settings WHERE org_id = $1',
    [orgId],
  );
  return { calendarResidentNames: rows[0]?.calendar_resident_names ?? false };
}

export async function saveSettings(
  tx: Queryable,
  orgId: string,
  settings: SchedulingSettings,
  now: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO scheduling_org_settings (org_id, calendar_resident_names, updated_at) VALUES ($1, $2, $3)
     ON CONFLICT (org_id) DO UPDATE SET calendar_resident_names = EXCLUDED.calendar_resident_names,
                                        updated_at = EXCLUDED.updated_at`,
    [orgId, settings.calendarResidentNames, now],
  );
}
