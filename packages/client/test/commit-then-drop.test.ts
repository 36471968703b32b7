import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Queryable } from '@spreekuur/db';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/**
 * The connection dies after the server committed a message and before its ack reached the
 * device (a crash of the link, or of the server, at the worst moment). The device never saw
 * the ack, so its outbox sends again with the same clientId once it is back; the server must
 * answer with the first ack, store nothing new and push nothing twice, and every device ends
 * up with the message exactly once. Runs on the backends of this pass (embedded, or real
 * PostgreSQL and Redis).
 */

/** The clientId whose storing transaction, once committed, drops its sender's connection. */
let dropAfterCommit: { clientId: string; deviceId: string } | null = null;
let gateway: TestGateway;
let dropped = 0;

function watched(target: Queryable, seen: Set<string>): Queryable {
  return {
    async query(sql, params) {
      for (const param of params ?? []) if (typeof param === 'string') seen.add(param);
      return target.query(sql, params);
    },
    exec: (script) => target.exec(script),
  };
}

const interpose = (db: Database): Database => ({
  ...db,
  transaction: async (work) => {
    const seen = new Set<string>();
    const result = await db.transaction((tx) => work(watched(tx, seen)));
    const armed = dropAfterCommit;
    if (armed && seen.has(armed.clientId)) {
      // Committed; the ack is not sent yet. Close the sender's transport as a failing network would.
      dropAfterCommit = null;
      for (const socket of gateway.app.realtime.io.of('/').sockets.values()) {
        if (socket.data.principal.deviceId !== armed.deviceId) continue;
        socket.conn.close();
        dropped++;
      }
    }
    return result;
  },
});

beforeAll(async () => {
  gateway = await startGateway({ interpose });
});
afterAll(() => gateway.close());

describe('a crash between commit and ack', () => {
  it('the device sends again, gets the first ack, and every device has the message once', async () => {
    const org = await seedOrganisation(gateway, 'commit-then-drop');
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Werker', { role: 'worker' });
    const resident = await sdkPerson(gateway, org.worker, org.team.id, 'Inwoner');
    try {
      const channel = await resident.openDirect(worker.account.personId);
      const [workerBox, residentBox] = [inbox(worker), inbox(resident)];
      const clientId = `drop-${randomUUID()}`;
      dropAfterCommit = { clientId, deviceId: resident.account.deviceId };

      const sent = await resident.sendText(channel.id, 'is dit aangekomen?', { clientId });

      expect(dropped).toBeGreaterThan(0);
      // The first ack never arrived: the answer is the resend's, pointing at what was stored first.
      expect(sent).toMatchObject({ clientId, duplicate: true });
      const stored = await gateway.backends.db.query<{ seq: number }>(
        `SELECT seq FROM channel_events WHERE channel_id = $1 AND kind = 'message' AND client_id = $2`,
        [channel.id, clientId],
      );
      expect(stored.rows.map((row) => row.seq)).toEqual([sent.seq]);

      // A later message from each side: a channel's messages arrive in order, so a duplicate would come first.
      await resident.sendText(channel.id, 'en nog een');
      await worker.sendText(channel.id, 'ja, allebei');
      await Promise.all([workerBox.waitFor(3), residentBox.waitFor(3)]);
      const conversation = ['is dit aangekomen?', 'en nog een', 'ja, allebei'];
      expect(workerBox.texts()).toEqual(conversation);
      expect(residentBox.texts()).toEqual(conversation);
      expect(residentBox.messages[0]).toMatchObject({ seq: sent.seq, own: true });
    } finally {
      await Promise.all([worker.close(), resident.close()]);
    }
  });
});
