import { isUniqueViolation, type Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { CreatedInvite, Organisation } from '@spreekuur/protocol/identity';
import { recordAudit } from '@spreekuur/server';
import type { InviteService } from './invite-service.ts';
import { insertOrganisation, listOrganisations, organisationExists } from './store/organisation-store.ts';

const ADMIN_INVITE = { kind: 'person', role: 'admin', teamId: null } as const;

/** The operator's deployment-wide actions: organisations and the invites of their admins. */
export class OrganisationService {
  constructor(private readonly deps: { db: Database; clock: () => Date; invites: InviteService }) {}

  /** A new organisation and the invite for its first admin. */
  async create(request: { name: string; slug: string }): Promise<{
    organisation: Organisation;
    adminInvite: CreatedInvite;
  }> {
    const now = this.deps.clock();
    try {
      return await this.deps.db.transaction(async (tx) => {
        const organisation = await insertOrganisation(tx, request);
        const adminInvite = await this.deps.invites.issue(
          tx,
          organisation.id,
          ADMIN_INVITE,
          null,
          this.deps.invites.expiry(now),
        );
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

  /** Another admin invite (e.g. the first one expired). */
  async createAdminInvite(orgId: string): Promise<CreatedInvite> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      if (!(await organisationExists(tx, orgId)))
        throw new AppError('ERR_NOT_FOUND', 'organisation not found');
      const invite = await this.deps.invites.issue(
        tx,
        orgId,
        ADMIN_INVITE,
        null,
        this.deps.invites.expiry(now),
      );
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

  list(): Promise<Organisation[]> {
    return listOrganisations(this.deps.db);
  }
}
