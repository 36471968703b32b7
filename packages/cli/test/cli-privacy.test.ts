import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOrganisation, startCliSuite, type CliSuite } from './cli-harness.ts';

/** Issue 13 from the terminal: retention, export, the audit log, key backup and erasure. */

let suite: CliSuite;
beforeAll(async () => {
  suite = await startCliSuite();
}, 90_000);
afterAll(() => suite.close());

describe('spreekuur privacy, audit and backup (CLI)', () => {
  it('sets retention, exports data, reads the audit log as CSV, backs up and restores keys, erases a person', async () => {
    const { admin, teamId, residents } = await cliOrganisation(suite, 'cli-privacy', ['Mo', 'Lisa']);
    const [mo, lisa] = residents as [(typeof residents)[0], (typeof residents)[0]];

    // Retention: admins set it, within the limits, per organisation and per team.
    expect((await suite.run(admin.profile, 'privacy', 'retention', 'show')).out).toMatch(/messages-days\s+365 dagen/);
    const set = await suite.run(admin.profile, 'privacy', 'retention', 'set', '--office-hour-days', '14');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toMatch(/office-hour-days\s+14 dagen/);
    const tooShort = await suite.run(admin.profile, 'privacy', 'retention', 'set', '--audit-days', '10');
    expect(tooShort.code).toBe(64);
    expect(tooShort.err).toContain('--audit-days');
    const team = await suite.run(admin.profile, 'privacy', 'retention', 'set', '--team', teamId, '--queue-days', '7');
    expect(team.code, team.err).toBe(0);
    expect(team.out).toContain(`team ${teamId}: queueDays 7`);
    const notPerTeam = await suite.run(admin.profile, 'privacy', 'retention', 'set', '--team', teamId, '--messages-days', '30');
    expect(notPerTeam.code).toBe(64);
    const resident = await suite.run(mo.profile, 'privacy', 'retention', 'set', '--messages-days', '30');
    expect(resident.code).toBe(1);
    expect((await suite.run(admin.profile, 'privacy', 'retention', 'show')).out).toMatch(/messages-days\s+365 dagen/);

    // Export: one's own data to a private file; an admin's for a person; nobody else's.
    const file = join(suite.dir, 'mo-export.json');
    const exported = await suite.run(mo.profile, 'privacy', 'export', '--out', file);
    expect(exported.code, exported.err).toBe(0);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toContain(mo.personId);
    expect(JSON.stringify(await suite.json(admin.profile, 'privacy', 'export', '--person', mo.personId))).toContain(
      mo.personId,
    );
    const others = await suite.run(lisa.profile, 'privacy', 'export', '--person', mo.personId);
    expect(others.code).toBe(1);

    // The audit log: who did what, as lines and as CSV; a person reads what is about them.
    const audit = await suite.run(admin.profile, 'audit', 'list', '--action', 'invite.');
    expect(audit.code, audit.err).toBe(0);
    expect(audit.out).toContain('invite.');
    const csv = await suite.run(admin.profile, 'audit', 'list', '--csv');
    expect(csv.out.split('\n')[0]).toMatch(/^at,action/);
    expect(csv.out).toContain('privacy.');
    expect((await suite.run(mo.profile, 'audit', 'list', '--mine')).code).toBe(0);
    expect((await suite.run(mo.profile, 'audit', 'list')).code).toBe(1);
    expect((await suite.run(admin.profile, 'audit', 'list', '--since', 'gisteren')).code).toBe(64);

    // Key backup: the recovery key is shown once; the right key restores, a wrong one changes nothing.
    const backup = await suite.json<{ recoveryKey: string; entries: number }>(mo.profile, 'backup', 'create');
    expect(backup.recoveryKey).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$/);
    const restored = await suite.run(mo.profile, 'backup', 'restore', '--key', backup.recoveryKey.toLowerCase());
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toContain('Teruggezet');
    expect(restored.out).not.toContain('identity');
    const wrongKey = await suite.run(mo.profile, 'backup', 'restore', '--key', 'AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA-AAAA');
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain('ERR_CLIENT_BACKUP_INVALID');

    // Erasure: only with --confirm; afterwards the person's device is gone.
    const unconfirmed = await suite.run(admin.profile, 'privacy', 'erase', lisa.personId);
    expect(unconfirmed.code).toBe(64);
    expect(unconfirmed.err).toContain('--confirm');
    expect((await suite.run(lisa.profile, 'whoami')).code).toBe(0);
    const erased = await suite.run(admin.profile, 'privacy', 'erase', lisa.personId, '--confirm');
    expect(erased.code, erased.err).toBe(0);
    expect(erased.out).toMatch(/Gewist: 1 apparaten/);
    expect((await suite.run(lisa.profile, 'whoami')).code).not.toBe(0);
  });
});
