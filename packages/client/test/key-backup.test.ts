import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { generateRecoveryKey, isSpreekuurError, MemoryStore, SpreekuurClient } from '../src/index.ts';
import { inbox, sdkPerson } from './sdk-fixtures.ts';

/** Cheap Argon2id for the suite; the default cost is covered in src/backup/sealed-backup.test.ts. */
const backupKdf = { opsLimit: 1, memLimitBytes: 8 * 1024 };

let gateway: TestGateway;
const clients: SpreekuurClient[] = [];
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(async () => {
  for (const client of clients) await client.close();
  await gateway.close();
});

describe('key backup through the SDK', () => {
  it('brings a lost phone’s conversations back on a new device; the server only ever sees ciphertext', async () => {
    const org = await seedOrganisation(gateway, 'backup');
    const worker = await sdkPerson(gateway, org.admin, org.team.id, 'Werker', { role: 'worker' });
    const phoneStore = new MemoryStore();
    const phone = await sdkPerson(gateway, org.worker, org.team.id, 'Inwoner', { store: phoneStore });
    clients.push(worker, phone);
    const canary = `CANARY-${randomBytes(8).toString('hex')}`;
    const channel = await worker.openDirect(phone.account.personId);
    const arrived = inbox(phone);
    await worker.sendText(channel.id, `Uw afspraak: ${canary}`);
    await arrived.waitFor(1);

    const recoveryKey = await generateRecoveryKey();
    const phoneWithCost = await SpreekuurClient.open({ store: phoneStore, backupKdf });
    clients.push(phoneWithCost);
    const saved = await phoneWithCost.backup.save(recoveryKey);
    expect(saved.entries).toBeGreaterThanOrEqual(2); // the account and the message

    // What the server holds: no message text, no private key, no recovery key.
    const { rows } = await gateway.db.query<{ ciphertext: Uint8Array }>('SELECT ciphertext FROM key_backups');
    expect(rows).toHaveLength(1);
    const stored = Buffer.from(rows[0]!.ciphertext);
    const account = await phoneStore.get<{ identity: Record<string, unknown> }>('account');
    const keyMaterial = Object.values(account!.identity).filter(
      (value): value is string => typeof value === 'string' && value.length >= 16,
    );
    expect(keyMaterial.length).toBeGreaterThan(0);
    const secrets = [canary, recoveryKey, recoveryKey.replaceAll('-', ''), ...keyMaterial];
    for (const secret of secrets) {
      expect(stored.toString('latin1')).not.toContain(secret);
      expect(stored.toString('base64url')).not.toContain(secret);
    }
    expect(gateway.logs.join('\n')).not.toContain(recoveryKey.replaceAll('-', ''));

    // The phone is lost. A new device is linked (from the worker's help desk: a device link of the person).
    const { code } = await phoneWithCost.linkDeviceCode();
    const newStore = new MemoryStore();
    const tablet = await SpreekuurClient.register({
      serverUrl: gateway.url,
      store: newStore,
      inviteCode: code,
      displayName: 'Inwoner',
      deviceName: 'Nieuwe telefoon',
      backupKdf,
    });
    clients.push(tablet);
    await tablet.connect();
    // Before restoring, the old message is unreadable here: it was encrypted for the old phone.
    expect((await tablet.history(channel.id)).map((m) => m.status)).toEqual(['unavailable']);

    await expect(tablet.backup.restore('WRONG-KEY')).rejects.toSatisfy((error) =>
      isSpreekuurError(error, 'ERR_CLIENT_BACKUP_INVALID'),
    );
    const restored = await tablet.backup.restore(recoveryKey.toLowerCase());
    expect(restored.fromDeviceId).toBe(phone.account.deviceId);
    expect(restored.restored).toBeGreaterThanOrEqual(1);
    const history = await tablet.history(channel.id);
    expect(history.map((m) => (m.content?.type === 'text' ? m.content.text : m.status))).toEqual([
      `Uw afspraak: ${canary}`,
    ]);
    // The new device keeps its own identity.
    expect(tablet.account.deviceId).not.toBe(phone.account.deviceId);
  });

  it('refuses another person’s backup and a tampered one', async () => {
    const org = await seedOrganisation(gateway, 'backup-b');
    const firstStore = new MemoryStore();
    const first = await sdkPerson(gateway, org.worker, org.team.id, 'Een', { store: firstStore });
    const second = await sdkPerson(gateway, org.worker, org.team.id, 'Twee');
    clients.push(first, second);
    const key = await generateRecoveryKey();
    const firstCheap = await SpreekuurClient.open({ store: firstStore, backupKdf });
    clients.push(firstCheap);
    await firstCheap.backup.save(key);
    // Someone copies the first person's backup into the second person's slot (a malicious server could).
    await gateway.db.query(
      `INSERT INTO key_backups (person_id, org_id, ciphertext)
       SELECT $1, org_id, ciphertext FROM key_backups WHERE person_id = $2`,
      [second.account.personId, first.account.personId],
    );
    await expect(second.backup.restore(key)).rejects.toSatisfy((error) =>
      isSpreekuurError(error, 'ERR_CLIENT_BACKUP_INVALID'),
    );
    await gateway.db.query(
      `UPDATE key_backups SET ciphertext = overlay(ciphertext placing '\\x00'::bytea from 60 for 1) WHERE person_id = $1`,
      [first.account.personId],
    );
    await expect(firstCheap.backup.restore(key)).rejects.toSatisfy((error) =>
      isSpreekuurError(error, 'ERR_CLIENT_BACKUP_INVALID'),
    );
  });
});
