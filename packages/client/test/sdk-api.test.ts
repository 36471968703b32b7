import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { identityEndpoints, operatorEndpoints } from '@spreekuur/protocol/identity';
import type { TeamQueue } from '@spreekuur/protocol/scheduling';
import { ALWAYS_OPEN } from '@spreekuur/testing/scheduling';
import { MemoryStore, OperatorClient, SpreekuurClient, isSpreekuurError } from '../src/index.ts';

/**
 * The SDK's typed calls: any protocol endpoint through `call`, the operator's calls, a token
 * for scripts, and the live queue that keeps following after a reconnect.
 */
describe('the SDK calls every endpoint from its protocol definition', () => {
  let gateway: TestGateway;
  const clients: SpreekuurClient[] = [];

  beforeAll(async () => {
    gateway = await startGateway();
  });
  afterAll(async () => {
    for (const client of clients) await client.close();
    await gateway?.close();
  });

  const registerWith = async (code: string, displayName: string) => {
    const client = await SpreekuurClient.register({
      serverUrl: gateway.url,
      store: new MemoryStore(),
      inviteCode: code,
      displayName,
      deviceName: 'Laptop',
    });
    clients.push(client);
    return client;
  };

  it('sets up an organisation from the operator to a worker with typed calls only', async () => {
    const operator = new OperatorClient({ serverUrl: gateway.url, operatorToken: gateway.operatorToken });
    const created = await operator.call(operatorEndpoints.createOrganisation, {
      body: { name: 'Welzijn SDK', slug: 'welzijn-sdk' },
    });
    const { organisations } = await operator.call(operatorEndpoints.listOrganisations);
    expect(organisations.map((organisation) => organisation.slug)).toContain('welzijn-sdk');

    const admin = await registerWith(created.adminInvite.code, 'Beheerder');
    const team = await admin.call(identityEndpoints.createTeam, { body: { name: 'Wijkteam Zuid' } });
    const invite = await admin.call(identityEndpoints.createInvite, {
      body: { role: 'worker', teamId: team.id },
    });
    const worker = await registerWith(invite.code, 'Sanne');
    const { teams } = await worker.call(identityEndpoints.listTeams);
    expect(teams.map((item) => item.name)).toEqual(['Wijkteam Zuid']);

    // A refusal keeps the server's stable code and names the field.
    const refused = await admin
      .call(identityEndpoints.createTeam, { body: { name: '' } })
      .catch((error: unknown) => error);
    expect(isSpreekuurError(refused, 'ERR_BAD_REQUEST')).toBe(true);
    expect(isSpreekuurError(refused) && refused.details.issues?.[0]?.path).toContain('name');
  });

  it('refuses operator calls with a wrong operator token', async () => {
    const stranger = new OperatorClient({ serverUrl: gateway.url, operatorToken: 'x'.repeat(40) });
    const refused = await stranger.call(operatorEndpoints.listOrganisations).catch((error: unknown) => error);
    expect(isSpreekuurError(refused, 'ERR_OPERATOR_TOKEN_INVALID')).toBe(true);
  });

  it('hands scripts a working access token', async () => {
    const operator = new OperatorClient({ serverUrl: gateway.url, operatorToken: gateway.operatorToken });
    const created = await operator.call(operatorEndpoints.createOrganisation, {
      body: { name: 'Welzijn Token', slug: 'welzijn-token' },
    });
    const admin = await registerWith(created.adminInvite.code, 'Beheerder');
    const { token, expiresAt } = await admin.accessToken();
    expect(new Date(expiresAt).getTime()).toBeGreaterThan(Date.now());
    const me = await api<{ person: { displayName: string } }>(gateway, { token }, 'GET', '/v1/me');
    expect(me.status).toBe(200);
    expect(me.body.person.displayName).toBe('Beheerder');
  });

  it('keeps following a team’s queue after the connection drops', async () => {
    const operator = new OperatorClient({ serverUrl: gateway.url, operatorToken: gateway.operatorToken });
    const created = await operator.call(operatorEndpoints.createOrganisation, {
      body: { name: 'Welzijn Wachtrij', slug: 'welzijn-wachtrij' },
    });
    const admin = await registerWith(created.adminInvite.code, 'Beheerder');
    const team = await admin.call(identityEndpoints.createTeam, { body: { name: 'Spreekuur' } });
    const worker = await registerWith(
      (await admin.call(identityEndpoints.createInvite, { body: { role: 'worker', teamId: team.id } })).code,
      'Sanne',
    );
    const resident = await registerWith(
      (await worker.call(identityEndpoints.createInvite, { body: { role: 'resident', teamId: team.id } }))
        .code,
      'Mohammed',
    );
    const { token: workerToken } = await worker.accessToken();
    const { token: residentToken } = await resident.accessToken();
    const teamUrl = `/v1/scheduling/teams/${team.id}`;
    expect(
      (await api(gateway, { token: workerToken }, 'PUT', `${teamUrl}/office-hours`, ALWAYS_OPEN)).status,
    ).toBe(200);
    await worker.connect();
    expect((await worker.watchQueue(team.id)).view.waiting).toEqual([]);

    // Dropped and back: the SDK watches again on its own and hands over the queue as it is.
    const online = new Promise<void>((resolve) =>
      worker.on('connection', ({ state }) => (state === 'online' ? resolve() : undefined)),
    );
    worker.disconnect();
    worker.reconnect();
    await online;
    const changed = new Promise<TeamQueue>((resolve) =>
      worker.on('queue', (queue) => (queue.view.waiting.length > 0 ? resolve(queue) : undefined)),
    );
    expect((await api(gateway, { token: residentToken }, 'POST', `${teamUrl}/queue`, {})).status).toBe(201);
    expect((await changed).view.waiting).toHaveLength(1);
  });
});
