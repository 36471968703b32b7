import type { Queryable } from '@spreekuur/db';

/** `key_backups`: one opaque ciphertext per person (migration 0007). */

export async function saveBackup(
  db: Queryable,
  backup: { orgId: string; personId: string; ciphertext: Uint8Array; now: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO key_backups (person_id, org_id, ciphertext, updated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (person_id) DO UPDATE SET ciphertext = EXCLUDED.ciphertext, updated_at = EXCLUDED.updated_at`,
    [backup.personId, backup.orgId, backup.ciphertext, backup.now],
  );
}

export async function loadBackup(
  db: Queryable,
  orgId: string,
  personId: string,
): Promise<{ ciphertext: Uint8Array; updatedAt: Date } | null> {
  const { rows } = await db.query<{ ciphertext: Uint8Array; updated_at: Date }>(
    'SELECT ciphertext, updated_at FROM key_backups WHERE person_id = $1 AND org_id = $2',
    [personId, orgId],
  );
  const row = rows[0];
  return row ? { ciphertext: row.ciphertext, updatedAt: row.updated_at } : null;
}

export async function deleteBackup(db: Queryable, orgId: string, personId: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM key_backups WHERE person_id = $1 AND org_id = $2', [
    personId,
    orgId,
  ]);
  return rowCount > 0;
}
