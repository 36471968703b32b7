import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectOk,
  login,
  seedOrganisation,
  startGateway,
  type TestGateway,
} from '@spreekuur/gateway/testing';
import { MemoryStore, SpreekuurClient } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

const DAY = 24 * 60 * 60 * 1000;

let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

/**
 * Retention erases old messages while a device is offline. Coming back, the SDK catches up
 * over the erased range without a gap error: the erased ones arrive as deleted, the newer ones
 * as text.
 */
describe('catch-up after retention', () => {
  it('shows messages erased while offline as deleted and the rest as sent', async () => {
    const org = await seedOrganisation(gateway, 'bewaar-sdk');
    await expectOk(gateway, org.admin, 'PUT', '/v1/privacy/retention', { messagesDays: 1 });
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Werker', { role: 'worker' });
    const residentStore = new MemoryStore();
    const resident = await sdkPerson(gateway, org.worker, org.team.id, 'Inwoner', { store: residentStore });
    clients.push(worker);
    const channel = await worker.openDirect(resident.account.personId);
    const first = inbox(resident);
    await worker.sendText(channel.id, 'eerste');
    await first.waitFor(1);
    await resident.close(); // the phone is switched off

    await worker.sendText(channel.id, 'tweede');
    await worker.sendText(channel.id, 'derde');
    gateway.advanceClock(2 * DAY);
    await worker.sendText(channel.id, 'vierde');
    // The admin's token expired with the clock; signing in again is what their app would do.
    const admin = { token: await login(gateway, org.admin) };
    const run = await expectOk<{ messages: number }>(gateway, admin, 'POST', '/v1/privacy/retention/run');
    expect(run.messages).toBe(3);

    const back = await SpreekuurClient.open({ store: residentStore });
    clients.push(back);
    await back.connect();
    const history = await back.history(channel.id);
    expect(history.map((m) => (m.content?.type === 'text' ? m.content.text : m.status))).toEqual([
      'eerste', // already on the device: the device keeps what it has
      'deleted',
      'deleted',
      'vierde',
    ]);
  });
});
