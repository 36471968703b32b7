import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rooms } from '@spreekuur/server';
import { api, connect, login, register, seedOrganisation, startGateway, waitFor } from './harness.ts';

// Several nodes share work only through PostgreSQL and Redis; embedded mode is one node by
// definition, so this suite runs in the real-backend pass (CI runs both).
describe.runIf(process.env.REDIS_URL && process.env.DATABASE_URL)(
  'two gateway nodes sharing PostgreSQL and Redis',
  () => {
    let nodeA: Awaited<ReturnType<typeof startGateway>>;
    let nodeB: Awaited<ReturnType<typeof startGateway>>;

    beforeAll(async () => {
      nodeA = await startGateway();
      nodeB = await startGateway({ backends: nodeA.backends });
    });
    afterAll(async () => {
      await nodeB.close();
      await nodeA.close();
    });

    it('a node is started only once its adapter listens to the other nodes', async () => {
      for (const node of [nodeA, nodeB]) {
        const { uid } = node.app.realtime.io.of('/').adapter as unknown as { uid: string };
        const channel = `${node.redisPrefix}:socket.io#/#${uid}#`;
        const [, subscribers] = (await node.app.redis!.pubsub('NUMSUB', channel)) as [string, number];
        expect(Number(subscribers)).toBe(1);
        expect(node.logs.join('')).not.toContain('adapter not subscribed');
      }
    });

    it('delivers a room broadcast from one node to a socket on the other', async () => {
      const { worker } = await seedOrganisation(nodeA, 'cluster-fanout');
      const socket = connect(nodeB, worker.token);
      await waitFor(socket, 'connect');
      // The connect itself may send a keys:low of its own (a fresh device has no prekeys), so
      // wait for the one this test broadcasts.
      const received = new Promise<{ remaining: number }>((resolve) =>
        socket.on('keys:low', (event: { remaining: number }) => {
          if (event.remaining === 7) resolve(event);
        }),
      );
      nodeA.app.realtime.io.to(rooms.person(worker.personId)).emit('keys:low', { remaining: 7 });
      expect(await received).toEqual({ remaining: 7 });
      socket.close();
    });

    it('closes a revoked device’s socket on the other node at once', async () => {
      const { resident } = await seedOrganisation(nodeA, 'cluster-revoke');
      const link = (await api<{ code: string }>(nodeA, resident, 'POST', '/v1/me/device-links')).body;
      const tablet = await register(nodeA, link.code);
      const socket = connect(nodeB, await login(nodeB, tablet));
      await waitFor(socket, 'connect');
      const disconnected = waitFor<string>(socket, 'disconnect');
      expect((await api(nodeA, resident, 'DELETE', `/v1/me/devices/${tablet.deviceId}`)).status).toBe(204);
      expect(await disconnected).toBe('io server disconnect');
    });

    it('counts rate limits across nodes', async () => {
      const limitedA = await startGateway({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '4' } });
      const limitedB = await startGateway({
        backends: limitedA.backends,
        env: { RATE_LIMIT_AUTH_PER_MINUTE: '4' },
      });
      try {
        const body = { deviceId: '00000000-0000-4000-8000-000000000000' };
        const statuses = [];
        for (const node of [limitedA, limitedB, limitedA, limitedB, limitedA, limitedB]) {
          statuses.push((await api(node, null, 'POST', '/v1/auth/challenge', body)).status);
        }
        expect(statuses).toEqual([404, 404, 404, 404, 429, 429]);
      } finally {
        await limitedB.close();
        await limitedA.close();
      }
    });
  },
);
