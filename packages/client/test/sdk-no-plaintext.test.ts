import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import type { SpreekuurClient } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/**
 * The promise of the product: no plaintext of a message or document reaches the server,
 * its database, its blob store, its logs or Redis. Known canaries go in through the SDK;
 * then every place the server keeps anything is searched for them, in raw form, as hex,
 * and as base64 at every alignment.
 */
function needles(canary: Buffer): string[] {
  const forms = [canary.toString('utf8'), canary.toString('hex')];
  for (let shift = 0; shift < 3; shift++) {
    const shifted = Buffer.concat([Buffer.alloc(shift, 0x20), canary]);
    forms.push(shifted.toString('base64').slice(4, -4), shifted.toString('base64url').slice(4, -4));
  }
  return forms;
}

function render(value: unknown): string {
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value);
    return `${bytes.toString('latin1')} ${bytes.toString('utf8')} ${bytes.toString('hex')}`;
  }
  return JSON.stringify(value) ?? '';
}

let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  gateway = await startGateway({ env: { LOG_LEVEL: 'trace' } });
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

describe('no plaintext on the server', () => {
  it('finds no canary of a text, a group text or a file in any table, the blob store, the logs or Redis', async () => {
    const org = await seedOrganisation(gateway, 'canary');
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Werker', { role: 'worker' });
    const resident = await sdkPerson(gateway, org.worker, org.team.id, 'Inwoner');
    const other = await sdkPerson(gateway, org.worker, org.team.id, 'Deelnemer');
    clients.push(worker, resident, other);

    const textCanary = Buffer.from(`CANARY-TEXT-${randomBytes(12).toString('hex')}-mijn BSN is 123456782`);
    const groupCanary = Buffer.from(
      `CANARY-GROUP-${randomBytes(12).toString('hex')}-schulden bij de gemeente`,
    );
    const fileCanary = Buffer.from(`CANARY-FILE-${randomBytes(12).toString('hex')}-paspoortscan`);
    const file = Buffer.concat(Array.from({ length: 5000 }, () => fileCanary));

    const direct = await resident.openDirect(worker.account.personId);
    const group = await worker.createGroup('Training', [resident.account.personId, other.account.personId]);
    const workerBox = inbox(worker);
    const otherBox = inbox(other);
    await resident.sendText(direct.id, textCanary.toString());
    await resident.sendFile(direct.id, file, { name: 'paspoort.jpg', mimeType: 'image/jpeg' });
    await worker.sendText(group.id, groupCanary.toString());
    await workerBox.waitFor(3);
    await otherBox.waitFor(1);
    // The recipients really got the plaintext: the canaries exist, just not on the server.
    const received = workerBox.messages.find((m) => m.content?.type === 'file')!;
    expect(Buffer.from(await worker.downloadFile(received.content as never)).equals(file)).toBe(true);
    expect(otherBox.texts()).toEqual([groupCanary.toString()]);

    const searched: string[] = [];
    const { rows: tables } = await gateway.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['channel_events', 'channel_event_payloads', 'blob_chunks', 'files']),
    );
    for (const { table_name } of tables) {
      const { rows } = await gateway.db.query(`SELECT * FROM "${table_name}"`);
      searched.push(rows.map((row) => Object.values(row).map(render).join(' ')).join('\n'));
    }
    searched.push(gateway.logs.join('\n'));
    if (process.env.REDIS_URL) {
      const redis = new Redis(process.env.REDIS_URL);
      try {
        for (const key of await redis.keys(`${gateway.redisPrefix}*`)) {
          const type = await redis.type(key);
          if (type === 'stream') searched.push(JSON.stringify(await redis.xrangeBuffer(key, '-', '+')));
          else if (type === 'string') searched.push((await redis.getBuffer(key))?.toString('latin1') ?? '');
          else if (type === 'hash') searched.push(JSON.stringify(await redis.hgetall(key)));
        }
      } finally {
        await redis.quit();
      }
    }

    const haystack = searched.join('\n');
    expect(haystack.length).toBeGreaterThan(100_000); // the ciphertext is there…
    for (const canary of [textCanary, groupCanary, fileCanary]) {
      for (const needle of needles(canary))
        expect(
          haystack.includes(needle),
          `found ${canary.toString().slice(0, 18)}… as ${needle.slice(0, 12)}…`,
        ).toBe(false);
    }
  });
});
