import type { Database } from '@spreekuur/db';
import type { OrganisationSettings } from '@spreekuur/protocol/identity';
import { actorOf, recordAudit, requireRole, type Principal } from '@spreekuur/server';
import { loadOrganisationSettings, saveOrganisationSettings } from './store/organisation-store.ts';

/**
 * The organisation's settings that members' devices follow: the trust policy (SPEC §13.8).
 * Every member reads them; admins change them, and each change is in the audit log.
 */
export class OrganisationSettingsService {
  constructor(private readonly db: Database) {}

  get(principal: Principal): Promise<OrganisationSettings> {
    return loadOrganisationSettings(this.db, principal.orgId);
  }

  async change(principal: Principal, change: OrganisationSettings): Promise<OrganisationSettings> {
    requireRole(principal, 'admin');
    await this.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE', [principal.orgId]);
      const before = await loadOrganisationSettings(tx, principal.orgId);
      await saveOrganisationSettings(tx, principal.orgId, change);
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'organisation.settings_changed',
        subjectType: 'organisation',
        subjectId: principal.orgId,
        details: { trustPolicy: change.trustPolicy, before: before.trustPolicy },
      });
    });
    return loadOrganisationSettings(this.db, principal.orgId);
  }
}
