import type { Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { Me, Person, Role } from '@spreekuur/protocol/identity';
import type { Principal } from '@spreekuur/server';
import { findOwnProfile, findVisiblePerson, listVisiblePeople } from './store/people-store.ts';
import { iso } from './store/rows.ts';
import { teamIdsOf } from './store/team-store.ts';

/** The caller's own profile, and the people of their organisation they may see. */
export class PeopleService {
  constructor(private readonly db: Database) {}

  list(
    principal: Principal,
    filter: { teamId?: string | undefined; role?: Role | undefined },
  ): Promise<Person[]> {
    return listVisiblePeople(this.db, principal, filter);
  }

  async get(principal: Principal, personId: string): Promise<Person> {
    const person = await findVisiblePerson(this.db, principal, personId);
    if (!person) throw new AppError('ERR_NOT_FOUND', 'person not found');
    return person;
  }

  async me(principal: Principal): Promise<Me> {
    const row = await findOwnProfile(this.db, principal.orgId, principal.personId);
    if (!row) throw new AppError('ERR_UNAUTHENTICATED');
    return {
      person: {
        id: row.id,
        role: row.role,
        displayName: row.display_name,
        locale: row.locale,
        teamIds: await teamIdsOf(this.db, principal.orgId, principal.personId),
      },
      organisation: {
        id: principal.orgId,
        name: row.org_name,
        slug: row.org_slug,
        createdAt: iso(row.org_created_at),
      },
      deviceId: principal.deviceId,
    };
  }
}
