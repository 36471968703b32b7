import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import type { SpreekuurClient } from '../src/index.ts';
import { sdkPerson } from './sdk-fixtures.ts';

/**
 * Issue 15, finding 5, the client's side: a device whose one-time prekeys run low is told
 * (at once, or when it reconnects) and the SDK uploads more.
 */
let gateway: TestGateway;
let cast: Awaited<ReturnType<typeof seedOrganisation>>;
beforeAll(async () => {
  gateway = await startGateway();
  cast = await seedOrganisation(gateway, 'prekey-refill');
});
afterAll(() => gateway.close());

type Bundles = { bundles: Array<{ oneTimePrekey: { id: number } | null }> };

const remaining = async (deviceId: string) =>
  (
    await gateway.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM device_one_time_prekeys WHERE device_id = $1',
      [deviceId],
    )
  ).rows[0]!.n;

/** Deletes all but `count` of a device's one-time prekeys. */
async function keepOnly(deviceId: string, count: number) {
  await gateway.db.query(
    `DELETE FROM device_one_time_prekeys WHERE device_id = $1
       AND key_id NOT IN (SELECT key_id FROM device_one_time_prekeys WHERE device_id = $1
                           ORDER BY key_id DESC LIMIT $2)`,
    [deviceId, count],
  );
}

describe('the SDK keeps its one-time prekeys stocked', () => {
  it('a device whose prekeys run low is told, and the SDK uploads more', async () => {
    const { worker, team } = cast;
    let bob: SpreekuurClient | undefined;
    try {
      bob = await sdkPerson(gateway, worker, team.id, 'Bob');
      const bobDevice = bob.account.deviceId;
      // Leave Bob exactly at the low watermark: the next fetch takes him below it.
      await keepOnly(bobDevice, 20);
      expect(await remaining(bobDevice)).toBe(20);
      const fetched = await api<Bundles>(gateway, worker, 'POST', '/v1/keys/bundles', {
        deviceIds: [bobDevice],
      });
      expect(fetched.body.bundles[0]!.oneTimePrekey).not.toBeNull();
      for (let attempt = 0; attempt < 200 && (await remaining(bobDevice)) < 20; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await remaining(bobDevice)).toBeGreaterThan(20);
    } finally {
      await bob?.close();
    }
  });

  it('a device that was offline when its prekeys ran low is told when it reconnects', async () => {
    const { worker, team } = cast;
    let carol: SpreekuurClient | undefined;
    try {
      carol = await sdkPerson(gateway, worker, team.id, 'Carol');
      const carolDevice = carol.account.deviceId;
      const offline = new Promise<void>((resolve) => carol!.once('connection', () => resolve()));
      carol.disconnect();
      await offline;
      await keepOnly(carolDevice, 10);
      await api(gateway, worker, 'POST', '/v1/keys/bundles', { deviceIds: [carolDevice] });
      expect(await remaining(carolDevice)).toBe(9);
      carol.reconnect();
      for (let attempt = 0; attempt < 200 && (await remaining(carolDevice)) < 20; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(await remaining(carolDevice)).toBeGreaterThan(20);
    } finally {
      await carol?.close();
    }
  });
});
