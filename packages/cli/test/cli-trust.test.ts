import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOrganisation, startCliSuite, type CliSuite } from './cli-harness.ts';

/**
 * Issue 14 from the terminal: the CLI shows whom a device trusts, a changed key stops sending
 * with a line that says what to do, and a person verifies, accepts and approves devices.
 */

let suite: CliSuite;
beforeAll(async () => {
  suite = await startCliSuite();
}, 90_000);
afterAll(() => suite.close());

describe('spreekuur trust (CLI)', () => {
  it('a sensitive team holds a message to an unverified resident until `trust verify`', async () => {
    const { worker, residents, teamId } = await cliOrganisation(suite, 'cli-sensitive', ['Noor']);
    const noor = residents[0]!;
    const on = await suite.run(worker.profile, 'team', 'sensitive', '--team', teamId, '--state', 'on');
    expect(on.code).toBe(0);
    expect(on.out).toContain('is nu een gevoelig team');
    const bad = await suite.run(worker.profile, 'team', 'sensitive', '--team', teamId, '--state', 'maybe');
    expect(bad.code).toBe(64);

    const channel = await suite.json<{ id: string }>(worker.profile, 'open', '--person', noor.personId);
    const held = await suite.run(worker.profile, 'send', '--channel', channel.id, 'Uw brief is binnen');
    expect(held.code).toBe(1);
    expect(held.err).toContain('Nog niet verstuurd: dit team is gevoelig');
    expect(held.err).toContain(`spreekuur trust verify ${noor.personId}`);
    expect((await suite.json<unknown[]>(noor.profile, 'history', '--channel', channel.id)).length).toBe(0);

    expect((await suite.run(worker.profile, 'trust', 'verify', noor.personId)).code).toBe(0);
    // The next command that connects sends what was held.
    expect((await suite.run(worker.profile, 'send', '--channel', channel.id, 'Tot morgen')).code).toBe(0);
    const texts = (
      await suite.json<Array<{ content: { text?: string } | null }>>(
        noor.profile,
        'history',
        '--channel',
        channel.id,
      )
    ).map((message) => message.content?.text);
    expect(texts).toEqual(['Uw brief is binnen', 'Tot morgen']);
  }, 90_000);

  it('lists pinned devices, verifies, refuses to send after a key change with advice, accepts it', async () => {
    const { worker, residents } = await cliOrganisation(suite, 'cli-trust', ['Mo']);
    const mo = residents[0]!;
    const channel = await suite.json<{ id: string }>(mo.profile, 'open', '--person', worker.personId);
    expect((await suite.run(mo.profile, 'send', '--channel', channel.id, 'Hallo Sanne')).code).toBe(0);

    const listed = await suite.run(mo.profile, 'trust', 'list');
    expect(listed.code).toBe(0);
    expect(listed.out).toContain(`${worker.personId}  niet geverifieerd`);
    expect(listed.out).toContain(`${worker.deviceId}  vertrouwd`);

    expect((await suite.run(mo.profile, 'trust', 'verify', worker.personId)).code).toBe(0);
    const verified = await suite.json<Array<{ personId: string; verified: boolean }>>(
      mo.profile,
      'trust',
      'list',
      '--person',
      worker.personId,
    );
    expect(verified).toMatchObject([{ personId: worker.personId, verified: true }]);

    // The server (here: its database) lists another key for Sanne's device.
    await suite.gateway.db.query('UPDATE devices SET identity_key = $1 WHERE id = $2', [
      new Uint8Array(randomBytes(32)),
      worker.deviceId,
    ]);
    // The next look at Sanne's devices sees it: the event is said on the command's output.
    const numbers = await suite.run(
      mo.profile,
      'safety-number',
      '--channel',
      channel.id,
      '--person',
      worker.personId,
    );
    expect(numbers.out).toContain(`⚠ De sleutel van ${worker.personId}`);
    expect(numbers.out).toContain(`trust accept ${worker.personId}`);
    const refused = await suite.run(mo.profile, 'send', '--channel', channel.id, 'Mijn BSN is …');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain(`de sleutel van ${worker.personId} is veranderd`);
    expect(refused.err).toContain(`spreekuur trust accept ${worker.personId}`);

    const changed = await suite.run(mo.profile, 'trust', 'list', '--lang', 'en');
    expect(changed.out).toContain(`${worker.deviceId}  key changed: waiting for your decision`);
    expect((await suite.run(mo.profile, 'trust', 'verify', worker.personId)).code).toBe(1);

    const accepted = await suite.run(mo.profile, 'trust', 'accept', worker.personId);
    expect(accepted.code).toBe(0);
    expect(accepted.out).toContain('Vergelijk het veiligheidsnummer opnieuw');
    const after = await suite.run(mo.profile, 'trust', 'list');
    expect(after.out).toContain(`${worker.personId}  niet geverifieerd`);
    expect(after.out).toContain(`${worker.deviceId}  vertrouwd`);
  }, 90_000);

  it('approves a device linked to the own account, and refuses a device that is not one’s own', async () => {
    const { worker } = await cliOrganisation(suite, 'cli-trust-link', []);
    const link = await suite.json<{ code: string }>(worker.profile, 'link-device');
    const second = await suite.json<{ deviceId: string }>(
      'sanne-telefoon.json',
      'register',
      '--invite',
      link.code,
      '--name',
      'Sanne',
      '--device',
      'Telefoon',
    );
    expect((await suite.run(worker.profile, 'devices')).out).toContain(second.deviceId);
    const approved = await suite.run(worker.profile, 'devices', 'approve', second.deviceId);
    expect(approved.code, approved.err).toBe(0);
    // And this device's history goes to the new one (SPEC §15.2).
    expect(approved.out).toMatch(
      /^Apparaat goedgekeurd\.\nGeschiedenis verstuurd naar het nieuwe apparaat \(\d+ items\)\.$/,
    );

    const wrong = await suite.run(
      worker.profile,
      'devices',
      'approve',
      '00000000-0000-4000-8000-000000000000',
    );
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('ERR_NOT_FOUND');
    const malformed = await suite.run(worker.profile, 'devices', 'approve', 'telefoon');
    expect(malformed.code).toBe(64);
    expect(malformed.err).toContain('<device>');
  }, 90_000);
});
