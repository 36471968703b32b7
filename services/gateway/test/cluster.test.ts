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

    // The local fast path (packages/server/src/realtime/room-directory.ts): what a node sends
    // through Redis is in the adapter's stream, so the stream shows which pushes skipped it.
    const inStream = async (node: typeof nodeA, remaining: number) => {
      const entries = (await node.app.redis!.xrange(`${node.redisPrefix}:socket.io`, '-', '+')) as Array<
        [string, string[]]
      >;
      return entries.some(([, fields]) => fields.some((field) => field.includes(`"remaining":${remaining}`)));
    };
    const pushOf = (socket: ReturnType<typeof connect>, remaining: number) =>
      new Promise<void>((resolve) =>
        socket.on('keys:low', (event: { remaining: number }) => {
          if (event.remaining === remaining) resolve();
        }),
      );

    it('pushes to a device on the same node without Redis, and through Redis to one on the other node', async () => {
      const { worker, resident } = await seedOrganisation(nodeA, 'cluster-local');
      const onA = connect(nodeA, worker.token);
      const onB = connect(nodeB, resident.token);
      await Promise.all([waitFor(onA, 'connect'), waitFor(onB, 'connect')]);
      const local = pushOf(onA, 7011);
      nodeA.app.realtime.io.to(rooms.device(worker.deviceId)).emit('keys:low', { remaining: 7011 });
      await local;
      const remote = pushOf(onB, 7012);
      nodeA.app.realtime.io.to(rooms.device(resident.deviceId)).emit('keys:low', { remaining: 7012 });
      await remote;
      // Both people at once: one of them is elsewhere, so the one broadcast goes through Redis.
      const both = Promise.all([pushOf(onA, 7013), pushOf(onB, 7013)]);
      nodeA.app.realtime.io
        .to([rooms.person(worker.personId), rooms.person(resident.personId)])
        .emit('keys:low', { remaining: 7013 });
      await both;
      expect(await inStream(nodeA, 7011)).toBe(false);
      expect(await inStream(nodeA, 7012)).toBe(true);
      expect(await inStream(nodeA, 7013)).toBe(true);
      onA.close();
      onB.close();
    });

    it('a node started later learns the rooms the others already hold', async () => {
      const { resident } = await seedOrganisation(nodeA, 'cluster-late');
      const onB = connect(nodeB, resident.token);
      await waitFor(onB, 'connect');
      const late = await startGateway({ backends: nodeA.backends });
      try {
        const received = pushOf(onB, 7021);
        late.app.realtime.io.to(rooms.device(resident.deviceId)).emit('keys:low', { remaining: 7021 });
        await received;
        expect(await inStream(late, 7021)).toBe(true);
      } finally {
        await late.close();
        onB.close();
      }
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
