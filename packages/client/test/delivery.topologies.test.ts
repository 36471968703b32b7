import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { describeTopologies } from '@spreekuur/testing/topologies';
import type { SpreekuurClient } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/**
 * The core delivery promise, through the real SDK, on every topology of this run: embedded
 * (one node, PGlite, in-process adapters), one node on PostgreSQL and Redis, and two nodes
 * sharing them, where the people of a conversation are connected to different nodes. Each
 * "nothing twice" is checked after a later message has arrived: a channel's messages arrive
 * in order, so a duplicate would have come first.
 */
describeTopologies(
  'the delivery promise',
  (backends) => startGateway({ backends }),
  (topology) => {
    /** An organisation whose people join on the nodes in turn: the first on node 0, the next on node 1… */
    async function team(slug: string) {
      const org = await seedOrganisation(topology.node(0), slug);
      let joined = 0;
      const person = async (name: string, role: 'resident' | 'worker' = 'resident') => {
        const node: TestGateway = topology.node(joined++);
        const inviter = role === 'worker' ? org.admin : org.worker;
        const client = await sdkPerson(node, inviter, org.team.id, name, { role });
        topology.defer(() => client.close());
        return client;
      };
      return { person };
    }

    const storedWithClientId = async (channelId: string, clientId: string) =>
      (
        await topology.backends.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message' AND client_id = $2`,
          [channelId, clientId],
        )
      ).rows[0]!.n;

    it('two people exchange messages both ways', async () => {
      const { person } = await team('delivery-direct');
      const worker = await person('Sanne', 'worker');
      const resident = await person('Mohammed');
      const [workerBox, residentBox] = [inbox(worker), inbox(resident)];

      const channel = await resident.openDirect(worker.account.personId);
      await resident.sendText(channel.id, 'Mag ik iets vragen over de huurtoeslag?');
      await workerBox.waitFor(1);
      await worker.sendText(channel.id, 'Natuurlijk.');
      await Promise.all([workerBox.waitFor(2), residentBox.waitFor(2)]);
      for (let i = 0; i < 3; i++) {
        await resident.sendText(channel.id, `r${i}`);
        await worker.sendText(channel.id, `w${i}`);
      }
      await Promise.all([workerBox.waitFor(8), residentBox.waitFor(8)]);
      const conversation = [
        'Mag ik iets vragen over de huurtoeslag?',
        'Natuurlijk.',
        'r0',
        'w0',
        'r1',
        'w1',
        'r2',
        'w2',
      ];
      expect(workerBox.texts()).toEqual(conversation);
      expect(residentBox.texts()).toEqual(conversation);
      expect(residentBox.messages.map((m) => m.own)).toEqual(conversation.map((_, i) => i % 2 === 0));
    });

    it('a device that was offline catches up in order, with nothing twice', async () => {
      const { person } = await team('delivery-offline');
      const worker = await person('Werker', 'worker');
      const resident = await person('Inwoner');
      const channel = await worker.openDirect(resident.account.personId);
      const box = inbox(resident);
      resident.disconnect();
      for (let i = 1; i <= 6; i++) await worker.sendText(channel.id, `terwijl je weg was ${i}`);
      expect(box.messages).toHaveLength(0);
      resident.reconnect();
      await box.waitFor(6);
      await worker.sendText(channel.id, 'en nu je terug bent');
      await box.waitFor(7);
      expect(box.texts()).toEqual([
        ...[1, 2, 3, 4, 5, 6].map((i) => `terwijl je weg was ${i}`),
        'en nu je terug bent',
      ]);
    });

    it('a resend with the same clientId is stored and delivered once', async () => {
      const { person } = await team('delivery-resend');
      const worker = await person('Werker', 'worker');
      const resident = await person('Inwoner');
      const channel = await resident.openDirect(worker.account.personId);
      const workerBox = inbox(worker);
      const clientId = `resend-${randomUUID()}`;

      const first = await resident.sendText(channel.id, 'precies één keer', { clientId });
      const again = await resident.sendText(channel.id, 'precies één keer', { clientId });
      expect(again).toMatchObject({ clientId, seq: first.seq, duplicate: true });
      expect(await storedWithClientId(channel.id, clientId)).toBe(1);

      await resident.sendText(channel.id, 'daarna');
      await workerBox.waitFor(2);
      expect(workerBox.texts()).toEqual(['precies één keer', 'daarna']);
    });

    it('a group message reaches every member once', async () => {
      const { person } = await team('delivery-group');
      const trainer = await person('Trainer', 'worker');
      const members: SpreekuurClient[] = [await person('Anouk'), await person('Bram'), await person('Cem')];
      const group = await trainer.createGroup(
        'Weerbaarheid',
        members.map((member) => member.account.personId),
      );
      const everyone = [trainer, ...members];
      const boxes = everyone.map(inbox);
      for (const [index, client] of everyone.entries()) await client.sendText(group.id, `van ${index}`);
      await trainer.sendText(group.id, 'tot volgende week');

      const expected = [...everyone.map((_, index) => `van ${index}`), 'tot volgende week'];
      for (const box of boxes) await box.waitFor(expected.length);
      for (const box of boxes) {
        expect(box.texts()).toEqual(expected);
        expect(box.messages.every((m) => m.status === 'ok')).toBe(true);
      }
    });
  },
);
