import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addResident,
  addWorker,
  api,
  expectOk,
  login,
  register,
  seedOrganisation,
  startGateway,
  type Actor,
  type TestGateway,
} from './harness.ts';

interface CreatedInvite {
  id: string;
  kind: string;
  code: string;
  joinUrl: string;
  expiresAt: string;
  createdAt: string;
}

/**
 * Someone lost their only phone and so cannot make a device-link code themselves: an admin
 * (anyone of the organisation) or a worker (residents of their teams) makes one for them.
 */
describe('a device-link code made for someone else', () => {
  let gateway: TestGateway;
  let org: Awaited<ReturnType<typeof seedOrganisation>>;
  let other: Awaited<ReturnType<typeof seedOrganisation>>;
  let otherTeamResident: Actor;
  let otherTeamWorker: Actor;
  beforeAll(async () => {
    gateway = await startGateway();
    org = await seedOrganisation(gateway, 'relink');
    other = await seedOrganisation(gateway, 'relink-other');
    const team = await expectOk<{ id: string }>(
      gateway,
      org.admin,
      'POST',
      '/v1/teams',
      { name: 'Team 2' },
      201,
    );
    otherTeamWorker = await addWorker(gateway, org.admin, team.id, 'Werker team 2');
    otherTeamResident = await addResident(gateway, otherTeamWorker, team.id, 'Inwoner team 2');
  });
  afterAll(() => gateway.close());

  const issue = (actor: Actor, personId: string, body: object = {}) =>
    api<CreatedInvite & { error: { code: string } }>(
      gateway,
      actor,
      'POST',
      `/v1/people/${personId}/device-invites`,
      body,
    );

  /** The new phone registers with the code and logs in: it must be the person's own device. */
  async function linkNewPhone(created: CreatedInvite, person: Actor) {
    const device = await register(gateway, created.code);
    expect([device.personId, device.organisationId]).toEqual([person.personId, person.organisationId]);
    const token = await login(gateway, device);
    const me = await expectOk<{ person: { id: string }; deviceId: string }>(
      gateway,
      { token },
      'GET',
      '/v1/me',
    );
    expect([me.person.id, me.deviceId]).toEqual([person.personId, device.deviceId]);
    return { ...device, token };
  }

  it('lets an admin make one for a resident; the new phone logs in as them and they see who made it', async () => {
    const before = Date.now();
    const answer = await issue(org.admin, org.resident.personId);
    expect(answer.status).toBe(201);
    const created = answer.body;
    expect(created.kind).toBe('device');
    expect(created.joinUrl).toMatch(new RegExp(`/koppelen#${created.code}$`));
    // One day by default.
    const ttl = Date.parse(created.expiresAt) - before;
    expect(ttl).toBeGreaterThan(23 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000 + 60_000);

    const phone = await linkNewPhone(created, org.resident);
    const devices = await expectOk<{ devices: Array<{ id: string }> }>(
      gateway,
      phone,
      'GET',
      '/v1/me/devices',
    );
    expect(devices.devices.map((device) => device.id).sort()).toEqual(
      [org.resident.deviceId, phone.deviceId].sort(),
    );
    const audit = await expectOk<{
      entries: Array<{ action: string; actorPersonId: string | null; subjectId: string | null }>;
    }>(gateway, phone, 'GET', '/v1/me/audit');
    expect(
      audit.entries.filter((entry) => entry.subjectId === created.id).map((e) => [e.action, e.actorPersonId]),
    ).toEqual([
      ['device.linked', org.resident.personId],
      ['device.link_created', org.admin.personId],
    ]);
  });

  it('lets an admin make one for a worker, and a worker for a resident of their team (up to 7 days)', async () => {
    const forWorker = await issue(org.admin, org.worker.personId);
    expect(forWorker.status).toBe(201);
    await linkNewPhone(forWorker.body, org.worker);
    const asked = Date.now();
    const forResident = await issue(org.worker, org.resident.personId, { expiresInDays: 7 });
    expect(forResident.status).toBe(201);
    // Seven days from the request (the row's createdAt is the database's clock, so not compared).
    const ttl = Date.parse(forResident.body.expiresAt) - asked;
    expect(ttl).toBeGreaterThanOrEqual(7 * 86400_000);
    expect(ttl).toBeLessThanOrEqual(7 * 86400_000 + 60_000);
    await linkNewPhone(forResident.body, org.resident);
  });

  it('refuses every other case plainly, and changes nothing', async () => {
    const count = async () => {
      const { rows } = await gateway.db.query<{ invites: number; audit: number }>(
        `SELECT (SELECT count(*)::int FROM invites) AS invites, (SELECT count(*)::int FROM audit_log) AS audit`,
      );
      return rows[0];
    };
    const erased = await addResident(gateway, org.worker, org.team.id, 'Wordt gewist');
    await expectOk(gateway, org.admin, 'POST', `/v1/people/${erased.personId}/erasure`, { confirm: true });
    const before = await count();
    const refusals: Array<[Actor, string, object, number, string]> = [
      [org.resident, otherTeamResident.personId, {}, 403, 'ERR_FORBIDDEN'],
      [org.resident, org.resident.personId, {}, 403, 'ERR_FORBIDDEN'],
      [org.resident, org.worker.personId, {}, 403, 'ERR_FORBIDDEN'],
      [org.worker, otherTeamResident.personId, {}, 403, 'ERR_FORBIDDEN'],
      [org.worker, otherTeamWorker.personId, {}, 403, 'ERR_FORBIDDEN'],
      [org.worker, org.admin.personId, {}, 403, 'ERR_FORBIDDEN'],
      [org.worker, org.worker.personId, {}, 403, 'ERR_FORBIDDEN'],
      [org.admin, other.resident.personId, {}, 404, 'ERR_NOT_FOUND'],
      [org.worker, other.resident.personId, {}, 404, 'ERR_NOT_FOUND'],
      [org.admin, randomUUID(), {}, 404, 'ERR_NOT_FOUND'],
      [org.admin, erased.personId, {}, 404, 'ERR_NOT_FOUND'],
      [org.worker, erased.personId, {}, 404, 'ERR_NOT_FOUND'],
      [org.admin, org.resident.personId, { expiresInDays: 8 }, 400, 'ERR_BAD_REQUEST'],
      [org.admin, org.resident.personId, { role: 'admin' }, 400, 'ERR_BAD_REQUEST'],
    ];
    for (const [actor, personId, body, status, code] of refusals) {
      const answer = await issue(actor, personId, body);
      expect([personId, answer.status, answer.body.error?.code]).toEqual([personId, status, code]);
    }
    expect(await count()).toEqual(before);
  });
});
