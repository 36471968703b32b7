import { randomUUID } from 'node:crypto';
import { isUniqueViolation, type Database, type Queryable } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { CreatedInvite, Organisation } from '@spreekuur/protocol/identity';
import { recordAudit } from '@spreekuur/server';
import { insertInvite, type InviteSettings } from './invites.ts';
import { iso } from './rows.ts';

type OrganisationRow = { id: string; name: string; slug: string; created_at: Date };
const toOrganisation = (row: OrganisationRow): Organisation => ({
  id: row.id,
  name: row.name,
  slug: row.slug,
  createdAt: iso(row.created_at),
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** Operator action: a new organisation and the invite for its first admin. */
export async function createOrganisation(
  db: Database,
  request: { name: string; slug: string },
  now: Date,
  settings: InviteSettings,
): Promise<{ organisation: Organisation; adminInvite: CreatedInvite }> {
  try {
    return await db.transaction(async (tx) => {
      const { rows } = await tx.query<OrganisationRow>(
        'INSERT INTO organisations (id, name, slug) VALUES ($1, $2, $3) RETURNING id, name, slug, created_at',
        [randomUUID(), request.name, request.slug],
      );
      const organisation = toOrganisation(rows[0]!);
      const adminInvite = await insertOrganisationAdminInvite(tx, organisation.id, now, settings);
      await recordAudit(tx, {
        orgId: organisation.id,
        action: 'organisation.created',
        subjectType: 'organisation',
        subjectId: organisation.id,
      });
      return { organisation, adminInvite };
    });
  } catch (error) {
    if (isUniqueViolation(error, 'organisations_slug_key')) throw new AppError('ERR_ORG_SLUG_TAKEN');
    throw error;
  }
}

async function insertOrganisationAdminInvite(
  tx: Queryable,
  orgId: string,
  now: Date,
  settings: InviteSettings,
): Promise<CreatedInvite> {
  return insertInvite(
    tx,
    orgId,
    { kind: 'person', role: 'admin', teamId: null },
    null,
    new Date(now.getTime() + settings.defaultTtlDays * DAY_MS),
    settings,
  );
}

/** Operator action: another admin invite (e.g. the first one expired). */
export async function createOrganisationAdminInvite(
  db: Database,
  orgId: string,
  now: Date,
  settings: InviteSettings,
): Promise<CreatedInvite> {
  return db.transaction(async (tx) => {
    const exists = await tx.query('SELECT 1 FROM organisations WHERE id = $1', [orgId]);
    if (exists.rowCount === 0) throw new AppError('ERR_NOT_FOUND', 'organisation not found');
    const invite = await insertOrganisationAdminInvite(tx, orgId, now, settings);
    await recordAudit(tx, {
      orgId,
      action: 'invite.created',
      subjectType: 'invite',
      subjectId: invite.id,
      details: { role: 'admin', by: 'operator' },
    });
    return invite;
  });
}

export async function listOrganisations(db: Database): Promise<Organisation[]> {
  const { rows } = await db.query<OrganisationRow>(
    'SELECT id, name, slug, created_at FROM organisations ORDER BY name',
  );
  return rows.map(toOrganisation);
}
