import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  opaque,
  openDirect,
  pairwiseEnvelope,
  publishKeys,
  sendPairwise,
  uploadFile,
} from '@spreekuur/testing/chat';
import { api, login, register, seedOrganisation, startGateway, type TestGateway } from './harness.ts';
import { moderationIsolationCases, prepareModerationIsolation } from './moderation-isolation-cases.ts';
import { privacyIsolationCases } from './privacy-isolation-cases.ts';
import { prepareSchedulingIsolation, schedulingIsolationCases } from './scheduling-isolation-cases.ts';
import { settingsIsolationCases } from './settings-isolation-cases.ts';

/**
 * One deployment serves several organisations; nothing of organisation B may be visible
 * to or changeable by anyone in organisation A. This suite walks EVERY registered route:
 * a route added without a case here makes the suite fail, so isolation is considered
 * for each new endpoint.
 */
let gateway: TestGateway;
let a: Awaited<ReturnType<typeof seedOrganisation>>;
let b: Awaited<ReturnType<typeof seedOrganisation>>;
let bInvite: { id: string; code: string };
let bDirect: { id: string };
let bGroup: { id: string };
let bFile: { id: string };
let aDirect: { id: string };

beforeAll(async () => {
  gateway = await startGateway();
  a = await seedOrganisation(gateway, 'org-a');
  b = await seedOrganisation(gateway, 'org-b');
  bInvite = (
    await api<{ id: string; code: string }>(gateway, b.admin, 'POST', '/v1/invites', {
      role: 'worker',
      teamId: b.team.id,
    })
  ).body;
  for (const actor of [a.worker, a.resident, b.worker, b.resident]) await publishKeys(gateway, actor);
  bDirect = await openDirect(gateway, b.worker, b.resident.personId);
  await sendPairwise(gateway, b.worker, bDirect.id);
  bGroup = (
    await api<{ id: string }>(gateway, b.worker, 'POST', '/v1/channels/groups', {
      name: 'Training B',
      memberIds: [b.resident.personId],
    })
  ).body;
  bFile = await uploadFile(gateway, b.worker, bDirect.id);
  aDirect = await openDirect(gateway, a.worker, a.resident.personId);
  await prepareSchedulingIsolation({ gateway, a, b });
  await prepareModerationIsolation({ gateway, a, b });
});

/** B's channel log is untouched by whatever A tried. */
async function bLogUnchanged(expectedLastSeq?: number) {
  const page = await api<{ lastSeq: number }>(gateway, b.worker, 'GET', `/v1/channels/${bDirect.id}/events`);
  expect(page.status).toBe(200);
  if (expectedLastSeq !== undefined) expect(page.body.lastSeq).toBe(expectedLastSeq);
  return page.body.lastSeq;
}
afterAll(() => gateway.close());

const bPeople = () => [b.admin.personId, b.worker.personId, b.resident.personId];
const actorsOfA = () => [a.admin, a.worker, a.resident];

/** Routes that are not scoped to an organisation, and why. */
const unscoped: Record<string, string> = {
  'GET /healthz': 'liveness, no data',
  'GET /readyz': 'readiness, no data',
  'GET /': 'the web app (static files of the build), no data',
  'GET /*': 'the web app (static files of the build), no data',
  'GET /metrics':
    'deployment-wide counters that name no person, behind METRICS_TOKEN (tested in metrics.test.ts)',
  'POST /v1/auth/register': 'the invite code decides the organisation (tested in auth.test.ts)',
  'POST /v1/auth/challenge': 'names a device, reveals nothing of its organisation',
  'POST /v1/auth/login': 'proves a device key, reveals nothing of other organisations',
  'POST /v1/operator/organisations': 'operator only, deployment-wide by design',
  'GET /v1/operator/organisations': 'operator only, deployment-wide by design',
  'POST /v1/operator/organisations/:id/admin-invites': 'operator only, deployment-wide by design',
  'POST /v1/operator/backup': 'operator only, deployment-wide by design (the embedded database, streamed)',
};

const cases: Record<string, () => Promise<void>> = {
  'GET /v1/me': async () => {
    for (const actor of actorsOfA()) {
      const me = await api<{ organisation: { id: string } }>(gateway, actor, 'GET', '/v1/me');
      expect(me.body.organisation.id).toBe(a.organisation.id);
    }
  },
  'GET /v1/me/devices': async () => {
    const devices = await api<{ devices: Array<{ id: string }> }>(gateway, a.admin, 'GET', '/v1/me/devices');
    expect(devices.body.devices.map((d) => d.id)).toEqual([a.admin.deviceId]);
  },
  'DELETE /v1/me/devices/:id': async () => {
    expect((await api(gateway, a.admin, 'DELETE', `/v1/me/devices/${b.worker.deviceId}`)).status).toBe(404);
    expect((await api(gateway, b.worker, 'GET', '/v1/me')).status).toBe(200);
  },
  'POST /v1/me/device-links': async () => {
    const link = (await api<{ code: string }>(gateway, a.resident, 'POST', '/v1/me/device-links')).body;
    const device = await register(gateway, link.code);
    expect(device.organisationId).toBe(a.organisation.id);
    expect(device.personId).toBe(a.resident.personId);
    await login(gateway, device);
  },
  'GET /v1/teams': async () => {
    const teams = await api<{ teams: Array<{ id: string }> }>(gateway, a.admin, 'GET', '/v1/teams');
    expect(teams.body.teams.map((t) => t.id)).not.toContain(b.team.id);
  },
  'POST /v1/teams': async () => {
    const made = await api<{ id: string }>(gateway, a.admin, 'POST', '/v1/teams', { name: 'Schuldhulp' });
    expect(made.status).toBe(201);
    const bTeams = await api<{ teams: Array<{ id: string }> }>(gateway, b.admin, 'GET', '/v1/teams');
    expect(bTeams.body.teams.map((t) => t.id)).not.toContain(made.body.id);
  },
  'PUT /v1/teams/:id/verification': async () => {
    for (const actor of [a.admin, a.worker])
      expect(
        (
          await api(gateway, actor, 'PUT', `/v1/teams/${b.team.id}/verification`, {
            verifiedDevicesRequired: true,
          })
        ).status,
      ).toBe(404);
    const bTeams = await api<{ teams: Array<{ id: string; verifiedDevicesRequired: boolean }> }>(
      gateway,
      b.worker,
      'GET',
      '/v1/teams',
    );
    expect(bTeams.body.teams.find((t) => t.id === b.team.id)?.verifiedDevicesRequired).toBe(false);
  },
  'PUT /v1/teams/:id/members/:personId': async () => {
    for (const [team, person] of [
      [b.team.id, a.worker.personId],
      [a.team.id, b.worker.personId],
      [b.team.id, b.worker.personId],
    ]) {
      expect((await api(gateway, a.admin, 'PUT', `/v1/teams/${team}/members/${person}`)).status).toBe(404);
    }
    const bMembers = await api<{ people: Array<{ id: string }> }>(
      gateway,
      b.admin,
      'GET',
      `/v1/people?teamId=${b.team.id}`,
    );
    expect(bMembers.body.people.map((p) => p.id)).not.toContain(a.worker.personId);
  },
  'DELETE /v1/teams/:id/members/:personId': async () => {
    expect(
      (await api(gateway, a.admin, 'DELETE', `/v1/teams/${b.team.id}/members/${b.worker.personId}`)).status,
    ).toBe(404);
    const bMembers = await api<{ people: Array<{ id: string }> }>(
      gateway,
      b.admin,
      'GET',
      `/v1/people?teamId=${b.team.id}`,
    );
    expect(bMembers.body.people.map((p) => p.id)).toContain(b.worker.personId);
  },
  'GET /v1/people': async () => {
    for (const actor of actorsOfA()) {
      const people = await api<{ people: Array<{ id: string }> }>(gateway, actor, 'GET', '/v1/people');
      expect(people.body.people.map((p) => p.id).filter((id) => bPeople().includes(id))).toEqual([]);
      const filtered = await api<{ people: unknown[] }>(
        gateway,
        actor,
        'GET',
        `/v1/people?teamId=${b.team.id}`,
      );
      expect(filtered.body.people).toEqual([]);
    }
  },
  'GET /v1/people/:id': async () => {
    for (const actor of actorsOfA()) {
      for (const personId of bPeople()) {
        expect((await api(gateway, actor, 'GET', `/v1/people/${personId}`)).status).toBe(404);
      }
    }
  },
  'GET /v1/people/:id/devices': async () => {
    for (const personId of bPeople()) {
      expect((await api(gateway, a.admin, 'GET', `/v1/people/${personId}/devices`)).status).toBe(404);
      for (const actor of [a.worker, a.resident])
        expect((await api(gateway, actor, 'GET', `/v1/people/${personId}/devices`)).status).toBe(403);
    }
  },
  'DELETE /v1/people/:id/devices/:deviceId': async () => {
    for (const actor of actorsOfA()) {
      const answer = await api(
        gateway,
        actor,
        'DELETE',
        `/v1/people/${b.resident.personId}/devices/${b.resident.deviceId}`,
      );
      expect([403, 404]).toContain(answer.status);
    }
    expect((await api(gateway, b.resident, 'GET', '/v1/me')).status).toBe(200);
  },
  'POST /v1/people/:id/device-invites': async () => {
    // A device-link code for someone of B would let A read as them: unknown to A's staff, refused to residents.
    for (const personId of bPeople()) {
      for (const actor of [a.admin, a.worker])
        expect((await api(gateway, actor, 'POST', `/v1/people/${personId}/device-invites`, {})).status).toBe(
          404,
        );
      expect(
        (await api(gateway, a.resident, 'POST', `/v1/people/${personId}/device-invites`, {})).status,
      ).toBe(403);
    }
  },
  'POST /v1/invites': async () => {
    expect(
      (await api(gateway, a.admin, 'POST', '/v1/invites', { role: 'worker', teamId: b.team.id })).status,
    ).toBe(404);
    expect(
      (await api(gateway, a.worker, 'POST', '/v1/invites', { role: 'resident', teamId: b.team.id })).status,
    ).toBe(404);
  },
  'GET /v1/invites': async () => {
    const invites = await api<{ invites: Array<{ id: string }> }>(gateway, a.admin, 'GET', '/v1/invites');
    expect(invites.body.invites.map((i) => i.id)).not.toContain(bInvite.id);
  },
  'DELETE /v1/invites/:id': async () => {
    expect((await api(gateway, a.admin, 'DELETE', `/v1/invites/${bInvite.id}`)).status).toBe(404);
    const invites = await api<{ invites: Array<{ id: string; revokedAt: string | null }> }>(
      gateway,
      b.admin,
      'GET',
      '/v1/invites',
    );
    expect(invites.body.invites.find((i) => i.id === bInvite.id)?.revokedAt).toBeNull();
  },
};

const bChannels = () => [bDirect.id, bGroup.id];

Object.assign(cases, {
  'PUT /v1/keys/signed-prekeys': async () => {
    // Publishing keys only ever touches the caller's own device.
    await publishKeys(gateway, a.admin);
    const bundle = await api<{ bundles: Array<{ deviceId: string }> }>(
      gateway,
      b.worker,
      'POST',
      '/v1/keys/bundles',
      { deviceIds: [b.resident.deviceId] },
    );
    expect(bundle.body.bundles[0]!.deviceId).toBe(b.resident.deviceId);
  },
  'POST /v1/keys/one-time-prekeys': async () => {
    const status = await api<{ oneTimePrekeys: number }>(
      gateway,
      a.worker,
      'POST',
      '/v1/keys/one-time-prekeys',
      {
        prekeys: [{ id: 900, publicKey: opaque(32) }],
      },
    );
    expect(status.status).toBe(200);
    const bStatus = await api<{ oneTimePrekeys: number }>(gateway, b.worker, 'GET', '/v1/keys/status');
    expect(bStatus.body.oneTimePrekeys).toBeLessThan(900);
  },
  'GET /v1/keys/status': async () => {
    const status = await api<{ signedPrekeyId: number | null }>(gateway, a.admin, 'GET', '/v1/keys/status');
    expect(status.status).toBe(200);
  },
  'POST /v1/keys/bundles': async () => {
    for (const deviceId of [b.worker.deviceId, b.resident.deviceId]) {
      expect(
        (await api(gateway, a.worker, 'POST', '/v1/keys/bundles', { deviceIds: [deviceId] })).status,
      ).toBe(404);
    }
  },
  'PUT /v1/keys/certificates': async () => {
    // Nobody vouches for a device of another organisation (or another person).
    const signature = Buffer.alloc(64, 1).toString('base64url');
    for (const actor of actorsOfA())
      expect(
        (
          await api(gateway, actor, 'PUT', '/v1/keys/certificates', {
            deviceId: b.resident.deviceId,
            signature,
          })
        ).status,
      ).toBe(404);
  },
  'POST /v1/keys/certificates/query': async () => {
    const signature = Buffer.alloc(64, 2).toString('base64url');
    await api(gateway, b.resident, 'PUT', '/v1/keys/certificates', {
      deviceId: b.resident.deviceId,
      signature,
    });
    const answer = await api<{ certificates: unknown[] }>(
      gateway,
      a.worker,
      'POST',
      '/v1/keys/certificates/query',
      {
        deviceIds: [b.resident.deviceId, b.worker.deviceId],
      },
    );
    expect(answer.body.certificates).toEqual([]);
  },
  'GET /v1/channels': async () => {
    for (const actor of actorsOfA()) {
      const list = await api<{ channels: Array<{ id: string }> }>(gateway, actor, 'GET', '/v1/channels');
      expect(list.body.channels.map((c) => c.id).filter((id) => bChannels().includes(id))).toEqual([]);
    }
  },
  'POST /v1/channels/direct': async () => {
    for (const personId of bPeople()) {
      expect((await api(gateway, a.worker, 'POST', '/v1/channels/direct', { personId })).status).toBe(404);
    }
  },
  'POST /v1/channels/groups': async () => {
    expect(
      (
        await api(gateway, a.worker, 'POST', '/v1/channels/groups', {
          name: 'Mix',
          memberIds: [b.resident.personId],
        })
      ).status,
    ).toBe(404);
  },
  'GET /v1/channels/:id': async () => {
    for (const id of bChannels())
      expect((await api(gateway, a.admin, 'GET', `/v1/channels/${id}`)).status).toBe(404);
  },
  'GET /v1/channels/:id/devices': async () => {
    for (const id of bChannels())
      expect((await api(gateway, a.worker, 'GET', `/v1/channels/${id}/devices`)).status).toBe(404);
  },
  'PUT /v1/channels/:id/settings': async () => {
    const before = await bLogUnchanged();
    expect(
      (
        await api(gateway, a.worker, 'PUT', `/v1/channels/${bDirect.id}/settings`, {
          disappearingSeconds: 3600,
        })
      ).status,
    ).toBe(404);
    await bLogUnchanged(before);
  },
  'POST /v1/channels/:id/members': async () => {
    expect(
      (
        await api(gateway, a.admin, 'POST', `/v1/channels/${bGroup.id}/members`, {
          personId: a.resident.personId,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await api(gateway, a.worker, 'POST', `/v1/channels/${aDirect.id}/members`, {
          personId: b.resident.personId,
        })
      ).status,
    ).not.toBe(200);
  },
  'DELETE /v1/channels/:id/members/:personId': async () => {
    expect(
      (await api(gateway, a.admin, 'DELETE', `/v1/channels/${bGroup.id}/members/${b.resident.personId}`))
        .status,
    ).toBe(404);
    const group = await api<{ members: Array<{ personId: string }> }>(
      gateway,
      b.worker,
      'GET',
      `/v1/channels/${bGroup.id}`,
    );
    expect(group.body.members.map((m) => m.personId)).toContain(b.resident.personId);
  },
  'GET /v1/channels/:id/events': async () => {
    for (const id of bChannels())
      expect((await api(gateway, a.worker, 'GET', `/v1/channels/${id}/events`)).status).toBe(404);
  },
  'GET /v1/channels/:id/receipts': async () => {
    expect((await api(gateway, a.worker, 'GET', `/v1/channels/${bDirect.id}/receipts`)).status).toBe(404);
  },
  'POST /v1/messages': async () => {
    const before = await bLogUnchanged();
    const envelope = { ...(await pairwiseEnvelope(gateway, a.worker, aDirect.id)), channelId: bDirect.id };
    expect((await api(gateway, a.worker, 'POST', '/v1/messages', envelope)).status).toBe(404);
    // Addressing B's devices from A's own channel is refused too: they are not members.
    const smuggled = {
      ...envelope,
      channelId: aDirect.id,
      payloads: [{ deviceId: b.resident.deviceId, ciphertext: opaque() }],
    };
    expect((await api(gateway, a.worker, 'POST', '/v1/messages', smuggled)).status).toBe(409);
    await bLogUnchanged(before);
  },
  'DELETE /v1/channels/:id/messages/:seq': async () => {
    const before = await bLogUnchanged();
    expect(
      (await api(gateway, a.admin, 'DELETE', `/v1/channels/${bDirect.id}/messages/${before}`)).status,
    ).toBe(404);
    await bLogUnchanged(before);
  },
  'POST /v1/receipts': async () => {
    expect(
      (
        await api(gateway, a.worker, 'POST', '/v1/receipts', {
          receipts: [{ channelId: bDirect.id, readSeq: 1 }],
        })
      ).status,
    ).toBe(404);
  },
  'POST /v1/files': async () => {
    expect(
      (await api(gateway, a.worker, 'POST', '/v1/files', { channelId: bDirect.id, size: 100 })).status,
    ).toBe(404);
  },
  'GET /v1/files/:id': async () => {
    expect((await api(gateway, a.worker, 'GET', `/v1/files/${bFile.id}`)).status).toBe(404);
  },
  'PUT /v1/files/:id/chunks/:index': async () => {
    const response = await gateway.app.inject({
      method: 'PUT',
      url: `/v1/files/${bFile.id}/chunks/0`,
      headers: { authorization: `Bearer ${a.worker.token}`, 'content-type': 'application/octet-stream' },
      payload: Buffer.alloc(16_384),
    });
    expect(response.statusCode).toBe(404);
  },
  'POST /v1/files/:id/complete': async () => {
    expect((await api(gateway, a.worker, 'POST', `/v1/files/${bFile.id}/complete`)).status).toBe(404);
  },
  'GET /v1/files/:id/content': async () => {
    expect((await api(gateway, a.worker, 'GET', `/v1/files/${bFile.id}/content`)).status).toBe(404);
    const own = await gateway.app.inject({
      method: 'GET',
      url: `/v1/files/${bFile.id}/content`,
      headers: { authorization: `Bearer ${b.resident.token}` },
    });
    expect(own.statusCode).toBe(200);
  },
});

for (const [route, run] of Object.entries({ ...schedulingIsolationCases, ...moderationIsolationCases })) {
  cases[route] = () => run({ gateway, a, b });
}
for (const [route, run] of Object.entries({ ...privacyIsolationCases, ...settingsIsolationCases })) {
  cases[route] = () => run({ gateway, a, b });
}

describe('organisation isolation', () => {
  it('every route is either deliberately unscoped or has a cross-organisation case', () => {
    const routes = gateway.app.routeCatalog
      .map((route) => `${route.method} ${route.url}`)
      .filter((route) => !route.includes(' /docs'));
    const uncovered = routes.filter((route) => !(route in unscoped) && !(route in cases));
    expect(uncovered).toEqual([]);
    const stale = [...Object.keys(unscoped), ...Object.keys(cases)].filter(
      (route) => !routes.includes(route),
    );
    expect(stale).toEqual([]);
  });

  for (const [route, run] of Object.entries(cases)) {
    it(`${route}: organisation A cannot see or touch organisation B`, run);
  }
});
