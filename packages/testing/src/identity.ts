import { randomBytes, randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import type { Role } from '@spreekuur/protocol/identity';
import { issueAccessToken, revokeDeviceTokens } from '@spreekuur/server';

/**
 * People written straight into the identity tables, for the tests of services that only read
 * who is who (chat, scheduling): invites, registration and device-key login are the gateway's,
 * and its own suites go through them.
 */

/** Where seeding writes, and the time and token lifetime it issues access tokens with. */
export interface SeedTarget {
  db: Queryable;
  now(): Date;
  config: { ACCESS_TOKEN_TTL_SECONDS: number };
}

/** One device of a person, signed in: `token` is a bearer token of that device. */
export interface SeededPerson {
  orgId: string;
  personId: string;
  deviceId: string;
  token: string;
  role: Role;
}

export async function seedOrganisationRow(
  target: SeedTarget,
  slug: string,
  name = `Organisatie ${slug}`,
): Promise<{ id: string; slug: string }> {
  const id = randomUUID();
  await target.db.query('INSERT INTO organisations (id, name, slug) VALUES ($1, $2, $3)', [id, name, slug]);
  return { id, slug };
}

export async function seedTeam(target: SeedTarget, orgId: string, name: string): Promise<{ id: string }> {
  const id = randomUUID();
  await target.db.query('INSERT INTO teams (id, org_id, name) VALUES ($1, $2, $3)', [id, orgId, name]);
  return { id };
}

/** A person with one device and an access token; a member of `teamId` when given. */
export async function seedPerson(
  target: SeedTarget,
  person: { orgId: string; role: Role; name: string; teamId?: string | null | undefined },
): Promise<SeededPerson> {
  const personId = randomUUID();
  await target.db.query('INSERT INTO people (id, org_id, role, display_name) VALUES ($1, $2, $3, $4)', [
    personId,
    person.orgId,
    person.role,
    person.name,
  ]);
  if (person.teamId) {
    await target.db.query('INSERT INTO team_members (org_id, team_id, person_id) VALUES ($1, $2, $3)', [
      person.orgId,
      person.teamId,
      personId,
    ]);
  }
  return seedDevice(target, { orgId: person.orgId, personId, role: person.role });
}

/** Another device of an existing person (a tablet beside the phone), signed in. */
export async function seedDevice(
  target: SeedTarget,
  person: Pick<SeededPerson, 'orgId' | 'personId' | 'role'>,
  name = 'Testtelefoon',
): Promise<SeededPerson> {
  const deviceId = randomUUID();
  await target.db.query(
    'INSERT INTO devices (id, org_id, person_id, name, identity_key) VALUES ($1, $2, $3, $4, $5)',
    [deviceId, person.orgId, person.personId, name, randomBytes(32)],
  );
  const token = await issueToken(target, { ...person, deviceId });
  return { orgId: person.orgId, personId: person.personId, deviceId, role: person.role, token };
}

/** A fresh access token for a device at the target's current time: what signing in again gives. */
export async function issueToken(
  target: SeedTarget,
  device: Pick<SeededPerson, 'orgId' | 'personId' | 'deviceId'>,
): Promise<string> {
  const { token } = await issueAccessToken(
    target.db,
    { orgId: device.orgId, personId: device.personId, deviceId: device.deviceId },
    target.config.ACCESS_TOKEN_TTL_SECONDS,
    target.now(),
  );
  return token;
}

/** Revokes a device as its owner would: marked revoked, its tokens gone. */
export async function revokeDevice(
  target: SeedTarget,
  device: Pick<SeededPerson, 'deviceId'>,
): Promise<void> {
  await target.db.query('UPDATE devices SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1', [
    device.deviceId,
    target.now(),
  ]);
  await revokeDeviceTokens(target.db, device.deviceId);
}

/** An organisation with an admin, a team, a worker in it and a resident of it: the cast of most tests. */
export interface SeededOrganisation {
  organisation: { id: string; slug: string };
  team: { id: string };
  admin: SeededPerson;
  worker: SeededPerson;
  resident: SeededPerson;
}

export async function seedOrganisation(target: SeedTarget, slug: string): Promise<SeededOrganisation> {
  const organisation = await seedOrganisationRow(target, slug);
  const team = await seedTeam(target, organisation.id, `Wijkteam ${slug}`);
  const orgId = organisation.id;
  const admin = await seedPerson(target, { orgId, role: 'admin', name: `Beheerder ${slug}` });
  const worker = await seedPerson(target, { orgId, role: 'worker', name: `Werker ${slug}`, teamId: team.id });
  const resident = await seedPerson(target, {
    orgId,
    role: 'resident',
    name: `Inwoner ${slug}`,
    teamId: team.id,
  });
  return { organisation, team, admin, worker, resident };
}
