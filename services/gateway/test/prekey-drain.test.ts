import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishKeys } from '@spreekuur/testing/chat';
import {
  api,
  registerAndLogin,
  seedOrganisation,
  startGateway,
  type Actor,
  type TestGateway,
} from './harness.ts';

/**
 * Issue 15, finding 5: the 60/min limit on POST /v1/keys/bundles was keyed on the raw
 * Authorization header, so `bearer`, `BEARER`, a double space or a tab each got a fresh
 * bucket, and 110 fetches took a device from 101 one-time prekeys to 0.
 */
let gateway: TestGateway;
let cast: Awaited<ReturnType<typeof seedOrganisation>>;
beforeAll(async () => {
  gateway = await startGateway();
  cast = await seedOrganisation(gateway, 'prekey-drain');
});
afterAll(() => gateway.close());

type Bundles = { bundles: Array<{ oneTimePrekey: { id: number } | null }> };

const spellings = (token: string) => [
  `Bearer ${token}`,
  `bearer ${token}`,
  `BEARER ${token}`,
  `Bearer  ${token}`,
  `Bearer\t${token}`,
];

const remaining = async (deviceId: string) =>
  (
    await gateway.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM device_one_time_prekeys WHERE device_id = $1',
      [deviceId],
    )
  ).rows[0]!.n;

async function fetchBundles(target: Actor, authorization: string) {
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/v1/keys/bundles',
    headers: { authorization },
    payload: { deviceIds: [target.deviceId] },
  });
  return { status: response.statusCode, body: response.json<Bundles & { error?: { code: string } }>() };
}

describe('one-time prekeys cannot be drained', () => {
  it('every spelling of the header shares the caller’s one bucket of 60 a minute', async () => {
    const { worker, resident } = cast;
    await publishKeys(gateway, worker, 101);
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) {
      const authorization = spellings(resident.token)[i % 5]!;
      statuses.push((await fetchBundles(worker, authorization)).status);
    }
    expect(statuses.slice(0, 60).every((status) => status === 200)).toBe(true);
    for (const authorization of spellings(resident.token)) {
      const refused = await fetchBundles(worker, authorization);
      expect([refused.status, refused.body.error?.code]).toEqual([429, 'ERR_RATE_LIMITED']);
    }
  });

  it('110 fetches by one caller take at most 5 of a device’s one-time prekeys; bundles still come', async () => {
    const { admin, team } = cast;
    // A fresh target with 101 prekeys, and a caller that has not fetched yet.
    const invite = await api<{ code: string }>(gateway, admin, 'POST', '/v1/invites', {
      role: 'worker',
      teamId: team.id,
    });
    const target = await registerAndLogin(gateway, invite.body.code, 'Doelwit');
    await publishKeys(gateway, target, 101);
    expect(await remaining(target.deviceId)).toBe(101);

    let withPrekey = 0;
    let bundles = 0;
    for (let i = 0; i < 110; i++) {
      const response = await fetchBundles(target, spellings(admin.token)[i % 5]!);
      if (response.status !== 200) continue;
      bundles++;
      if (response.body.bundles[0]!.oneTimePrekey) withPrekey++;
    }
    expect(bundles).toBe(60);
    expect(withPrekey).toBe(5);
    // The stated floor: one caller leaves at least 101 - 5.
    expect(await remaining(target.deviceId)).toBe(96);

    // Another caller has its own allowance, renewed over the hour.
    const fromWorker = async () =>
      (await fetchBundles(target, `Bearer ${cast.worker.token}`)).body.bundles[0]!.oneTimePrekey;
    const handed = [];
    for (let i = 0; i < 6; i++) handed.push((await fromWorker()) !== null);
    expect(handed).toEqual([true, true, true, true, true, false]);
    expect(await remaining(target.deviceId)).toBe(91);
    gateway.advanceClock(12 * 60_000);
    expect(await fromWorker()).not.toBeNull();
    expect(await fromWorker()).toBeNull();
  });
});
