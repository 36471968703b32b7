import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import {
  organisationSettings,
  type Organisation,
  type OrganisationSettings,
} from '@spreekuur/protocol/identity';
import { iso } from './rows.ts';

/** Organisations (`organisations`): each is strictly separated from the others. */

type OrganisationRow = { id: string; name: string; slug: string; created_at: Date };
const toOrganisation = (row: OrganisationRow): Organisation => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  createdAt: iso(row.created_at),
});

export async function insertOrganisation(
  tx: Queryable,
  organisation: { name: string; slug: string },
): Promise<Organisation> {
  const { rows } = await tx.query<OrganisationRow>(
    'INSERT INTO organisations (id, name, slug) VALUES ($1, $2, $3) RETURNING id, name, slug, created_at',
    [randomUUID(), organisation.name, organisation.slug],
  );
  return toOrganisation(rows[0]!);
}

export async function organisationExists(db: Queryable, orgId: string): Promise<boolean> {
  const { rowCount } = await db.query('SELECT 1 FROM organisations WHERE id = $1', [orgId]);
  return rowCount > 0;
}

export async function listOrganisations(db: Queryable): Promise<Organisation[]> {
  const { rows } = await db.query<OrganisationRow>(
    'SELECT id, name, slug, created_at FROM organisations ORDER BY name',
  );
  return rows.map(toOrganisation);
}

/** The organisation's `settings` (jsonb), parsed: a missing or unreadable value is the default. */
const storedSettings = organisationSettings.partial().catch({});

export async function loadOrganisationSettings(db: Queryable, orgId: string): Promise<OrganisationSettings> {
  const { rows } = await db.query<{ settings: unknown }>('SELECT settings FROM organisations WHERE id = $1', [
    orgId,
  ]);
  return { trustPolicy: 'block', ...storedSettings.parse(rows[0]?.settings ?? {}) };
}

/** Merges `change` into the stored settings (the row is locked for the transaction). */
export async function saveOrganisationSettings(
  tx: Queryable,
  orgId: string,
  change: Partial<OrganisationSettings>,
): Promise<void> {
  await tx.query('UPDATE organisations SET settings = settings || $2::jsonb WHERE id = $1', [
    orgId,
    JSON.stringify(change),
  ]);
}
