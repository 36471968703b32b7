import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamQueue } from '@spreekuur/protocol/scheduling';
import { ALWAYS_OPEN } from '@spreekuur/testing/scheduling';
import { emitWithAck, record, waitUntil } from '@spreekuur/testing/socket';
import {
  addWorker,
  api,
  connect,
  expectOk,
  seedOrganisation,
  startGateway,
  waitFor,
  type TestGateway,
} from './harness.ts';

/**
 * Office hours and the gateway's identity routes: taking a worker off the team (an identity
 * route) ends their share of the team's live queue at once, also on a socket that was
 * watching it. The office hour itself is the scheduling service's suite
 * (services/scheduling/test/live-office-hour.test.ts).
 */
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway.close());

describe('a chat office hour', () => {
  it('a worker taken off the team stops receiving its queue, also on a socket that was watching', async () => {
    const { admin, team, worker, resident } = await seedOrganisation(gateway, 'spreekuur-left-team');
    const colleague = await addWorker(gateway, admin, team.id, 'Collega Ilse');
    await expectOk(gateway, worker, 'PUT', `/v1/scheduling/teams/${team.id}/office-hours`, ALWAYS_OPEN);
    const [workerSocket, colleagueSocket] = [worker, colleague].map((actor) =>
      connect(gateway, actor.token),
    ) as [ReturnType<typeof connect>, ReturnType<typeof connect>];
    try {
      await Promise.all([waitFor(workerSocket, 'connect'), waitFor(colleagueSocket, 'connect')]);
      for (const socket of [workerSocket, colleagueSocket])
        expect(await emitWithAck(socket, 'scheduling:queue:watch', { teamId: team.id })).toMatchObject({
          ok: true,
        });
      const seenByWorker = record<TeamQueue>(workerSocket, 'scheduling:queue');

      expect(
        (await api(gateway, admin, 'DELETE', `/v1/teams/${team.id}/members/${worker.personId}`)).status,
      ).toBe(204);
      const colleagueSees = waitUntil<TeamQueue>(
        colleagueSocket,
        'scheduling:queue',
        (q) => q.view.waiting.length === 1,
      );
      await expectOk(gateway, resident, 'POST', `/v1/scheduling/teams/${team.id}/queue`, {}, 201);
      await colleagueSees;
      // The broadcast has gone out; a round trip on the worker's own (ordered) connection makes
      // sure anything sent to it before has arrived. The former team member got nothing.
      await emitWithAck(workerSocket, 'chat:sync', {});
      expect(seenByWorker).toEqual([]);
    } finally {
      workerSocket.close();
      colleagueSocket.close();
    }
  });
});
