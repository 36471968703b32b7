import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisation, startGateway, type TestGateway } from './harness.ts';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway.close());

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 1000 && !condition(); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!condition()) throw new Error('condition never became true');
}

describe('graceful shutdown', () => {
  it('a keep-alive connection whose request was running when closing began ends with its response', async () => {
    const { worker } = await seedOrganisation(gateway, 'shutdown');
    // A keep-alive connection to reuse (fetch keeps connections open by default).
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);

    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Holding the token table makes the next authenticated request wait inside its handler.
    const holder = gateway.db.transaction(async (tx) => {
      await tx.query('LOCK TABLE access_tokens IN ACCESS EXCLUSIVE MODE');
      locked();
      await released;
    });
    await isLocked;

    const logged = gateway.logs.length;
    const running = fetch(`${gateway.url}/v1/me`, { headers: { authorization: `Bearer ${worker.token}` } });
    await until(() => gateway.logs.slice(logged).some((line) => line.includes('"url":"/v1/me"')));

    const closed = gateway.app.close();
    await until(() => !gateway.app.server.listening); // closing has begun: no new connections
    release();
    await holder;
    const response = await running;
    expect(response.status).toBe(200);
    // Without this the connection would stay open until the keep-alive timeout (72 s) and
    // hold up the shutdown; the test would then time out on `closed`.
    expect(response.headers.get('connection')).toBe('close');
    await response.arrayBuffer();
    await closed;
  });
});
