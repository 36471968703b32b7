import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@spreekuur/db';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { rooms } from '@spreekuur/server';
import { hookQueries } from '@spreekuur/testing/query-hook';
import { MemoryStore, SpreekuurClient } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/**
 * Regression: when the database failed during a socket handshake (slow or restarting), the
 * server refused the connection and socket.io's client does not retry a refusal by itself. The
 * SDK stayed offline for good: the web app showed a message as "sending" forever. Here the
 * access-token lookups of the next socket handshakes fail on purpose.
 */
let gateway: TestGateway;
let failTokenLookups = 0;
let failedLookups = 0;

const flakyTokenLookups = (db: Database) =>
  hookQueries(db, (sql, run) => {
    // Only the socket handshake's lookups (called synchronously from the realtime module).
    const fromHandshake = new Error().stack?.includes('realtime') ?? false;
    if (failTokenLookups > 0 && fromHandshake && sql.includes('FROM access_tokens t')) {
      failTokenLookups -= 1;
      failedLookups += 1;
      return Promise.reject(new Error('connection terminated unexpectedly'));
    }
    return run();
  });

const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  gateway = await startGateway({ interpose: flakyTokenLookups, env: { LOG_LEVEL: 'silent' } });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

function offline(client: SpreekuurClient) {
  return new Promise<void>((resolve) => {
    const off = client.on('connection', (event) => {
      if (event.state !== 'offline') return;
      off();
      resolve();
    });
  });
}

describe('a socket handshake refused because the database failed', () => {
  it('a device opening while the database fails waits and comes up, catches up and sends what waited', async () => {
    const org = await seedOrganisation(gateway, 'handshake-refused-open');
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Sanne', { role: 'worker' });
    const store = new MemoryStore();
    const first = await sdkPerson(gateway, org.worker, org.team.id, 'Jan', { store });
    clients.push(worker);
    const channel = await worker.openDirect(first.account.personId);
    await first.close();
    await worker.sendText(channel.id, 'terwijl Jan weg was');

    // The same device opens again (a new socket: nothing to recover, so a full handshake),
    // and the next two handshakes find the database failing.
    const resident = await SpreekuurClient.open({ serverUrl: gateway.url, store });
    clients.push(resident);
    const residentBox = inbox(resident);
    const workerBox = inbox(worker);
    failedLookups = 0;
    failTokenLookups = 2;
    await resident.connect();
    expect(failedLookups).toBe(2);
    expect(resident.online).toBe(true);

    await resident.sendText(channel.id, 'ik ben er weer');
    await residentBox.waitFor(2);
    await workerBox.waitFor(1);
    expect(fromOther(residentBox)).toEqual(['terwijl Jan weg was']);
    expect(fromOther(workerBox)).toEqual(['ik ben er weer']);
  });

  it('a device the server disconnected comes back when its next handshake is refused', async () => {
    const org = await seedOrganisation(gateway, 'handshake-refused-again');
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Sanne', { role: 'worker' });
    const resident = await sdkPerson(gateway, org.worker, org.team.id, 'Jan');
    clients.push(worker, resident);
    const channel = await worker.openDirect(resident.account.personId);
    const residentBox = inbox(resident);

    const wentOffline = offline(resident);
    failedLookups = 0;
    failTokenLookups = 1;
    // A server-side disconnect is not recovered by socket.io: the client signs in and shakes hands anew.
    gateway.app.realtime.io.in(rooms.device(resident.account.deviceId)).disconnectSockets(true);
    await wentOffline;
    await worker.sendText(channel.id, 'ben je er nog?');
    await residentBox.waitFor(1, 30_000);
    expect(failedLookups).toBe(1);
    expect(fromOther(residentBox)).toEqual(['ben je er nog?']);
  });
});

function fromOther(box: ReturnType<typeof inbox>) {
  return box.messages
    .filter((m) => !m.own)
    .map((m) => (m.content?.type === 'text' ? m.content.text : m.status));
}
