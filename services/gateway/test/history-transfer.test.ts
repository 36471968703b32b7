import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryTransfer, PersonExport, RetentionRunResult } from '@spreekuur/protocol/privacy';
import {
  addResident,
  api,
  expectOk,
  login,
  registerAndLogin,
  seedOrganisation,
  startGateway,
  type Actor,
  type TestGateway,
} from './harness.ts';

/**
 * The server side of the history transfer (packages/crypto SPEC §15.2): opaque bytes from one
 * device of a person to another of the same person; only the target fetches and deletes them;
 * 7 days at most; gone with the person. Other organisations: organisation-isolation.test.ts.
 */
let gateway: TestGateway;
let org: Awaited<ReturnType<typeof seedOrganisation>>;
beforeAll(async () => {
  gateway = await startGateway();
  org = await seedOrganisation(gateway, 'overdracht');
});
afterAll(() => gateway.close());

async function secondDevice(actor: Actor): Promise<Actor> {
  const link = await expectOk<{ code: string }>(
    gateway,
    actor,
    'POST',
    '/v1/me/device-links',
    undefined,
    201,
  );
  return registerAndLogin(gateway, link.code);
}

const path = (device: Actor) => `/v1/me/devices/${device.deviceId}/history-transfer`;
const fetchNull = (device: Actor) =>
  expectOk<{ transfer: HistoryTransfer | null }>(gateway, device, 'GET', path(device));
async function fetchOne(device: Actor): Promise<HistoryTransfer> {
  const { transfer } = await fetchNull(device);
  expect(transfer).not.toBeNull();
  return transfer!;
}
const rows = async (personId: string) =>
  (
    await gateway.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM history_transfers WHERE person_id = $1',
      [personId],
    )
  ).rows[0]!.n;

describe('history transfer routes', () => {
  it('carries opaque bytes from one device of a person to another, for that device only, once', async () => {
    const phone = await addResident(gateway, org.worker, org.team.id, 'Jan');
    const tablet = await secondDevice(phone);
    const sealed = randomBytes(300).toString('base64url');
    const stored = await expectOk<{ size: number; expiresAt: string }>(gateway, phone, 'PUT', path(tablet), {
      ciphertext: sealed,
    });
    expect(stored.size).toBe(300);

    // Nobody but the target reads or deletes it: not the sender, not another person.
    for (const actor of [phone, org.worker, org.resident]) {
      const read = await api<{ error: { code: string } }>(gateway, actor, 'GET', path(tablet));
      expect(read.status).toBe(404);
      expect(read.body.error.code).toBe('ERR_NOT_FOUND');
      expect((await api(gateway, actor, 'DELETE', path(tablet))).status).toBe(404);
    }
    // For itself, with nothing waiting, a device hears "nothing" (null), not an error.
    expect((await fetchNull(phone)).transfer).toBeNull();
    const fetched = await fetchOne(tablet);
    expect(fetched).toMatchObject({ fromDeviceId: phone.deviceId, ciphertext: sealed, size: 300 });
    expect(fetched.expiresAt).toBe(stored.expiresAt);
    expect(new Date(fetched.expiresAt).getTime() - new Date(fetched.createdAt).getTime()).toBe(
      7 * 86_400_000,
    );

    // Acknowledged: gone.
    expect((await api(gateway, tablet, 'DELETE', path(tablet))).status).toBe(204);
    expect((await fetchNull(tablet)).transfer).toBeNull();
    const again = await api<{ error: { code: string } }>(gateway, tablet, 'DELETE', path(tablet));
    expect(again.body.error.code).toBe('ERR_PRIVACY_HISTORY_TRANSFER_NOT_FOUND');
    expect(await rows(phone.personId)).toBe(0);

    // Each step is in the person's own audit log, with the size only.
    const own = await expectOk<{ entries: Array<{ action: string; details: Record<string, unknown> }> }>(
      gateway,
      phone,
      'GET',
      '/v1/me/audit',
    );
    const actions = own.entries.map((entry) => entry.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'history_transfer.stored',
        'history_transfer.fetched',
        'history_transfer.deleted',
      ]),
    );
    expect(own.entries.find((e) => e.action === 'history_transfer.stored')?.details).toEqual({ size: 300 });
  });

  it('is refused to oneself, to another person’s device, to a revoked device and when malformed', async () => {
    const phone = await addResident(gateway, org.worker, org.team.id, 'Fatima');
    const tablet = await secondDevice(phone);
    const body = { ciphertext: 'QUFBQQ' };
    expect((await api(gateway, phone, 'PUT', path(phone), body)).status).toBe(404);
    expect((await api(gateway, phone, 'PUT', path(org.worker), body)).status).toBe(404);
    expect((await api(gateway, org.worker, 'PUT', path(tablet), body)).status).toBe(404);
    expect(
      (await api(gateway, phone, 'PUT', '/v1/me/devices/not-a-uuid/history-transfer', body)).status,
    ).toBe(400);
    expect((await api(gateway, phone, 'PUT', path(tablet), { ciphertext: 'niet base64!' })).status).toBe(400);
    expect((await api(gateway, phone, 'PUT', path(tablet), { ciphertext: '' })).status).toBe(400);
    expect((await api(gateway, phone, 'PUT', path(tablet), { ...body, extra: 1 })).status).toBe(400);
    const tooLarge = Buffer.alloc(4 * 1024 * 1024 + 1).toString('base64url');
    expect([400, 413]).toContain(
      (await api(gateway, phone, 'PUT', path(tablet), { ciphertext: tooLarge })).status,
    );
    expect(await rows(phone.personId)).toBe(0);

    await expectOk(gateway, phone, 'DELETE', `/v1/me/devices/${tablet.deviceId}`, undefined, 204);
    expect((await api(gateway, phone, 'PUT', path(tablet), body)).status).toBe(404);
    expect(await rows(phone.personId)).toBe(0);
  });

  it('a newer transfer replaces the older one for the same device', async () => {
    const phone = await addResident(gateway, org.worker, org.team.id, 'Kees');
    const laptop = await secondDevice(phone);
    const tablet = await secondDevice(phone);
    await expectOk(gateway, phone, 'PUT', path(tablet), { ciphertext: 'QUFBQQ' });
    await expectOk(gateway, laptop, 'PUT', path(tablet), { ciphertext: 'QkJCQg' });
    const fetched = await fetchOne(tablet);
    expect(fetched).toMatchObject({ fromDeviceId: laptop.deviceId, ciphertext: 'QkJCQg' });
    expect(await rows(phone.personId)).toBe(1);
  });

  it('is in the person’s export, and goes with their erasure', async () => {
    const phone = await addResident(gateway, org.worker, org.team.id, 'Lotte');
    const tablet = await secondDevice(phone);
    await expectOk(gateway, phone, 'PUT', path(tablet), { ciphertext: 'QUFBQQ' });
    const exported = await expectOk<PersonExport>(gateway, phone, 'GET', '/v1/me/export');
    expect(exported.historyTransfers).toEqual([
      expect.objectContaining({ fromDeviceId: phone.deviceId, toDeviceId: tablet.deviceId, size: 4 }),
    ]);
    await expectOk(gateway, org.admin, 'POST', `/v1/people/${phone.personId}/erasure`, { confirm: true });
    expect(await rows(phone.personId)).toBe(0);
  });

  it('expires after 7 days: not handed out, and removed by the retention job', async () => {
    const phone = await addResident(gateway, org.worker, org.team.id, 'Noor');
    const tablet = await secondDevice(phone);
    await expectOk(gateway, phone, 'PUT', path(tablet), { ciphertext: 'QUFBQQ' });
    gateway.advanceClock(7 * 86_400_000 + 60_000);
    for (const actor of [tablet, org.admin]) actor.token = await login(gateway, actor);
    expect((await fetchNull(tablet)).transfer).toBeNull();
    expect(await rows(phone.personId)).toBe(1);
    const run = await expectOk<RetentionRunResult>(gateway, org.admin, 'POST', '/v1/privacy/retention/run');
    expect(run.historyTransfers).toBeGreaterThanOrEqual(1);
    expect(await rows(phone.personId)).toBe(0);
  });
});
