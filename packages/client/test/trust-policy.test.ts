import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@spreekuur/crypto/encoding';
import { generateIdentity } from '@spreekuur/crypto/identity';
import { ready } from '@spreekuur/crypto/ready';
import {
  expectOk,
  invite,
  seedOrganisation,
  startGateway,
  type TestGateway,
} from '@spreekuur/gateway/testing';
import type { ChannelDevice } from '@spreekuur/protocol/chat';
import {
  MemoryStore,
  SpreekuurClient,
  type ClientEvents,
  type TrustPolicy,
  type TrustPolicyState,
} from '../src/index.ts';
import { TamperingFetch } from './malicious-server.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

// The organisation's trust policy (SPEC §13.8): the device follows it, but a server that says
// `warn` after `block` is not followed until the person agrees. Real gateway, both backends.

let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  await ready();
  gateway = await startGateway();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

const SETTINGS = '/v1/organisation/settings';
const isDevices = (path: string) => /^\/v1\/channels\/[^/]+\/devices$/.test(path);

async function cast(slug: string, orgPolicy: TrustPolicy, trustPolicy?: TrustPolicy) {
  const org = await seedOrganisation(gateway, slug);
  await expectOk(gateway, org.admin, 'PUT', SETTINGS, { trustPolicy: orgPolicy });
  const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Sanne', { role: 'worker' });
  clients.push(worker);
  const evil = new TamperingFetch();
  const store = new MemoryStore();
  const victim = await SpreekuurClient.register({
    serverUrl: gateway.url,
    store,
    inviteCode: await invite(gateway, org.worker, 'resident', org.team.id),
    displayName: 'Mohammed',
    deviceName: 'telefoon',
    fetch: evil.fetch,
    ...(trustPolicy ? { trustPolicy } : {}),
  });
  clients.push(victim);
  const events = <K extends keyof ClientEvents>(name: K) => {
    const seen: Array<ClientEvents[K]> = [];
    victim.on(name, (value) => seen.push(value));
    return seen;
  };
  /** The server lists `key` for the worker's device from now on (until `evil.stop()`). */
  const listWorkerKey = (key: string) =>
    evil.tamper((path, body) =>
      isDevices(path)
        ? {
            devices: (body as { devices: ChannelDevice[] }).devices.map((d) =>
              d.personId === worker.account.personId ? { ...d, identityKey: key } : d,
            ),
          }
        : body,
    );
  return { org, worker, victim, evil, events, store, listWorkerKey };
}

const attackerKey = () => toBase64Url(generateIdentity().publicKey);

describe('the organisation trust policy', () => {
  it('org says warn: a key change re-pins at once and is only reported', async () => {
    const { worker, victim, events, listWorkerKey } = await cast('beleid-warn', 'warn');
    const changes = events('trust:changed');
    await victim.connect();
    expect(await victim.trust.policy()).toEqual<TrustPolicyState>({
      policy: 'warn',
      organisation: 'warn',
      offered: null,
      explicit: false,
    });
    const channel = await victim.openDirect(worker.account.personId);
    await victim.safetyNumbers(channel.id, worker.account.personId);
    const attacker = attackerKey();
    listWorkerKey(attacker);
    const [after] = await victim.safetyNumbers(channel.id, worker.account.personId);
    expect(after).toMatchObject({ state: 'trusted' });
    expect(changes).toContainEqual({
      personId: worker.account.personId,
      deviceId: worker.account.deviceId,
      identityKey: attacker,
      change: 'key-changed',
      accepted: true,
    });
    const [person] = await victim.trust.list(worker.account.personId);
    expect(person!.devices).toMatchObject([{ identityKey: attacker, state: 'trusted' }]);
  });

  it('org says block: sending waits until the person accepts the change', async () => {
    const { worker, victim, evil, events, listWorkerKey } = await cast('beleid-block', 'block');
    const changes = events('trust:changed');
    // The first listing the victim pins is a false key; then the server lists the real one, a change.
    listWorkerKey(attackerKey());
    await victim.connect();
    const channel = await victim.openDirect(worker.account.personId);
    await victim.safetyNumbers(channel.id, worker.account.personId);
    evil.stop();
    await victim.safetyNumbers(channel.id, worker.account.personId);
    expect(changes.at(-1)).toMatchObject({ change: 'key-changed', accepted: false });
    await expect(victim.sendText(channel.id, 'eerst controleren')).rejects.toMatchObject({
      code: 'ERR_CLIENT_KEY_CHANGED',
    });
    await victim.trust.accept(worker.account.personId);
    const workerBox = inbox(worker);
    await victim.sendText(channel.id, 'nu wel');
    await workerBox.waitFor(1);
    expect(workerBox.texts()).toEqual(['nu wel']);
  });

  it('a server that says warn after block is not followed until the person agrees', async () => {
    const { worker, victim, evil, events, store, listWorkerKey } = await cast('beleid-lied', 'block');
    const policies = events('trust:policy');
    const changes = events('trust:changed');
    await victim.connect();
    expect((await victim.trust.policy()).policy).toBe('block');
    const channel = await victim.openDirect(worker.account.personId);
    await victim.safetyNumbers(channel.id, worker.account.personId);

    // The server claims the organisation switched to warn, and swaps the key.
    evil.tamper((path, body) => (path === SETTINGS ? { trustPolicy: 'warn' } : body));
    await victim.connect();
    const offered = await victim.trust.policy();
    expect(offered).toEqual<TrustPolicyState>({
      policy: 'block',
      organisation: 'warn',
      offered: 'warn',
      explicit: false,
    });
    expect(policies.at(-1)).toEqual(offered);
    listWorkerKey(attackerKey());
    await victim.safetyNumbers(channel.id, worker.account.personId);
    expect(changes.at(-1)).toMatchObject({ change: 'key-changed', accepted: false });
    await expect(victim.sendText(channel.id, 'mijn BSN is ...')).rejects.toMatchObject({
      code: 'ERR_CLIENT_KEY_CHANGED',
    });

    // The device holds block across a restart on the same state, still lied to.
    const reopened = await SpreekuurClient.open({ store, fetch: evil.fetch });
    clients.push(reopened);
    expect((await reopened.trust.policy()).policy).toBe('block');

    // Only the person's own consent lowers it; a change already waiting keeps waiting.
    expect((await victim.trust.followOrganisationPolicy()).policy).toBe('warn');
    const [person] = await victim.trust.list(worker.account.personId);
    expect(person!.devices).toMatchObject([{ state: 'changed' }]);
    // And `block` from the server is taken at once again.
    evil.stop();
    expect(await victim.trust.policy()).toMatchObject({ policy: 'block', offered: null });
  });

  it('a malformed answer leaves a new device at block; an explicit option is never overruled', async () => {
    const confused = await cast('beleid-kapot', 'warn');
    confused.evil.tamper((path, body) => (path === SETTINGS ? { trustPolicy: 'uit' } : body));
    await confused.victim.connect();
    expect(await confused.victim.trust.policy()).toMatchObject({ policy: 'block', organisation: null });

    const chosen = await cast('beleid-app', 'warn', 'block');
    let asked = 0;
    chosen.evil.tamper((path, body) => {
      if (path === SETTINGS) asked++;
      return body;
    });
    await chosen.victim.connect();
    expect(await chosen.victim.trust.policy()).toEqual<TrustPolicyState>({
      policy: 'block',
      organisation: null,
      offered: null,
      explicit: true,
    });
    await expect(chosen.victim.trust.followOrganisationPolicy()).rejects.toMatchObject({
      code: 'ERR_CONFLICT',
    });
    expect(asked).toBe(0);
  });
});
