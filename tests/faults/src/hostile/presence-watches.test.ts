import { expect, it } from 'vitest';
import {
  addResident,
  addWorker,
  api,
  expectOk,
  seedOrganisation,
  startGateway,
  type Actor,
  type TestGateway,
} from '@spreekuur/gateway/testing';
import { until } from '@spreekuur/testing/processes';
import { connect, waitFor, waitUntil, type Socket } from '@spreekuur/testing/socket';
import { describeTopologies } from '@spreekuur/testing/topologies';

/**
 * Presence is for people who may talk to each other (a shared channel or team). A watch was
 * allowed when it began; once two people stop sharing a channel or a team, neither hears the
 * other's presence any more, on whichever node their sockets are. Run on every topology: with
 * two nodes the watcher, the watched and the one who removes are on different nodes.
 */
describeTopologies(
  'presence watches end when two people no longer share a channel or team',
  (backends) => startGateway({ backends, env: { LOG_LEVEL: 'warn' } }),
  (topology) => {
    const sockets: Socket[] = [];
    const online = async (node: TestGateway, actor: Actor) => {
      const socket = connect(node, actor.token);
      sockets.push(socket);
      topology.defer(() => void socket.close());
      await waitFor(socket, 'connect');
      return socket;
    };
    const watch = async (socket: Socket, personIds: string[]) => {
      const answer = (await socket.emitWithAck('presence:watch', { personIds })) as { ok: boolean };
      expect(answer.ok).toBe(true);
    };
    /** Every presence:changed a socket hears, by whose presence it is. */
    const heard = (socket: Socket) => {
      const seen: Array<{ personId: string; status: string }> = [];
      socket.on('presence:changed', (change: { personId: string; status: string }) => seen.push(change));
      return seen;
    };
    /** Until no node has any socket of `person` in the presence room of `of` (the leave crosses nodes). */
    const watchEnded = (sockets: Socket[], of: string) =>
      until(
        `the watches of ${of} ended on every node`,
        async () => {
          for (const node of topology.nodes) {
            const inRoom = await node.app.realtime.io.local.in(`presence:${of}`).fetchSockets();
            if (inRoom.some((s) => sockets.some((mine) => mine.id === s.id))) return false;
          }
          return true;
        },
        10_000,
        50,
      );
    /**
     * `changer` goes away; `control` (on the same node as `exWatcher`, and still allowed) hears
     * it. One round trip of the ex-watcher's socket later, anything the node sent it is in.
     */
    async function goAway(changer: Socket, changerId: string, control: Socket, exWatcher: Socket) {
      const away = waitUntil<{ personId: string; status: string }>(
        control,
        'presence:changed',
        (c) => c.personId === changerId && c.status === 'away',
      );
      await changer.emitWithAck('presence:set', { status: 'away' });
      await away;
      await exWatcher.emitWithAck('presence:set', {});
    }

    it('a resident removed from a group no longer hears the other members, nor they them', async () => {
      const org = await seedOrganisation(
        topology.node(0),
        `presence-group-${topology.name.replace(/\W/g, '')}`,
      );
      const other = await addResident(topology.node(0), org.worker, org.team.id, 'Tweede inwoner');
      const group = await expectOk<{ id: string }>(
        topology.node(0),
        org.worker,
        'POST',
        '/v1/channels/groups',
        { name: 'Training', memberIds: [org.resident.personId, other.personId] },
        201,
      );
      // The one removed on node 1, the other resident on node 0, the worker (control) on node 1.
      const removed = await online(topology.node(1), org.resident);
      const stays = await online(topology.node(0), other);
      const worker = await online(topology.node(1), org.worker);
      await watch(removed, [other.personId]);
      await watch(stays, [org.resident.personId]);
      await watch(worker, [other.personId, org.resident.personId]);
      const heardByRemoved = heard(removed);
      const heardByStays = heard(stays);

      const response = await api(
        topology.node(0),
        org.worker,
        'DELETE',
        `/v1/channels/${group.id}/members/${org.resident.personId}`,
      );
      expect(response.status).toBe(204);
      await watchEnded([removed], other.personId);
      await watchEnded([stays], org.resident.personId);

      await goAway(stays, other.personId, worker, removed);
      await goAway(removed, org.resident.personId, worker, stays);
      expect(heardByRemoved.filter((c) => c.personId === other.personId)).toEqual([]);
      expect(heardByStays.filter((c) => c.personId === org.resident.personId)).toEqual([]);
      // And a new watch is refused: they no longer share a channel.
      const again = (await removed.emitWithAck('presence:watch', { personIds: [other.personId] })) as {
        ok: boolean;
        error?: { code: string };
      };
      expect(again.error?.code).toBe('ERR_CHAT_CONTACT_NOT_ALLOWED');
    });

    it('a worker taken out of a team no longer hears its residents, nor they the worker', async () => {
      const node = topology.node(0);
      const org = await seedOrganisation(node, `presence-team-${topology.name.replace(/\W/g, '')}`);
      const team = await expectOk<{ id: string }>(
        node,
        org.admin,
        'POST',
        '/v1/teams',
        { name: 'Schuldhulp' },
        201,
      );
      const worker = await addWorker(node, org.admin, team.id, 'Werker schuldhulp');
      const resident = await addResident(node, worker, team.id, 'Inwoner schuldhulp');
      const workerSocket = await online(topology.node(0), worker);
      const residentSocket = await online(topology.node(1), resident);
      const admin = await online(topology.node(1), org.admin);
      await watch(residentSocket, [worker.personId]);
      await watch(workerSocket, [resident.personId]);
      await watch(admin, [worker.personId, resident.personId]);
      const heardByResident = heard(residentSocket);
      const heardByWorker = heard(workerSocket);

      const response = await api(
        node,
        org.admin,
        'DELETE',
        `/v1/teams/${team.id}/members/${worker.personId}`,
      );
      expect(response.status).toBe(204);
      await watchEnded([residentSocket], worker.personId);
      await watchEnded([workerSocket], resident.personId);

      await goAway(workerSocket, worker.personId, admin, residentSocket);
      await goAway(residentSocket, resident.personId, admin, workerSocket);
      expect(heardByResident.filter((c) => c.personId === worker.personId)).toEqual([]);
      expect(heardByWorker.filter((c) => c.personId === resident.personId)).toEqual([]);
    });

    it('people who still share another channel keep their watch', async () => {
      const node = topology.node(0);
      const org = await seedOrganisation(node, `presence-keep-${topology.name.replace(/\W/g, '')}`);
      const other = await addResident(node, org.worker, org.team.id, 'Tweede inwoner');
      const members = { name: 'Groep', memberIds: [org.resident.personId, other.personId] };
      const first = await expectOk<{ id: string }>(
        node,
        org.worker,
        'POST',
        '/v1/channels/groups',
        members,
        201,
      );
      await expectOk(node, org.worker, 'POST', '/v1/channels/groups', members, 201);
      const removed = await online(topology.node(1), org.resident);
      const stays = await online(topology.node(0), other);
      await watch(removed, [other.personId]);
      await api(node, org.worker, 'DELETE', `/v1/channels/${first.id}/members/${org.resident.personId}`);
      const away = waitUntil<{ personId: string; status: string }>(
        removed,
        'presence:changed',
        (c) => c.personId === other.personId && c.status === 'away',
      );
      await stays.emitWithAck('presence:set', { status: 'away' });
      expect(await away).toEqual({ personId: other.personId, status: 'away' });
    });
  },
);
