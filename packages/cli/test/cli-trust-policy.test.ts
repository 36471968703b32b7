import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOrganisation, startCliSuite, type CliSuite } from './cli-harness.ts';

/** The organisation's trust policy from the terminal (SPEC §13.8): admins set it, devices follow. */

let suite: CliSuite;
beforeAll(async () => {
  suite = await startCliSuite();
}, 90_000);
afterAll(() => suite.close());

describe('spreekuur trust policy (CLI)', () => {
  it('an admin sets it; a device takes its first answer, blocks at once, and lowers only when told', async () => {
    const { admin, worker, residents } = await cliOrganisation(suite, 'cli-policy', ['Mo']);
    const mo = residents[0]!;
    expect((await suite.run(worker.profile, 'trust', 'policy', 'set', 'warn')).code).toBe(1);
    const set = await suite.run(admin.profile, 'trust', 'policy', 'set', 'warn');
    expect(set.code).toBe(0);
    expect(set.out).toContain('Organisatie ingesteld op: waarschuwen');

    // Mo's device never read the setting: it takes the first answer.
    expect(await suite.json(mo.profile, 'trust', 'policy', 'show')).toMatchObject({ policy: 'warn' });
    expect((await suite.run(admin.profile, 'trust', 'policy', 'set', 'block')).code).toBe(0);
    expect(await suite.json(mo.profile, 'trust', 'policy', 'show')).toMatchObject({ policy: 'block' });

    // Back to warn: Mo's device keeps blocking until Mo agrees.
    expect((await suite.run(admin.profile, 'trust', 'policy', 'set', 'warn')).code).toBe(0);
    const offered = await suite.run(mo.profile, 'trust', 'policy', 'show');
    expect(offered.out).toContain(
      'Dit apparaat bij een nieuwe sleutel of een nieuw apparaat van een contact: blokkeren',
    );
    expect(offered.out).toContain('spreekuur trust policy follow');
    const followed = await suite.json(mo.profile, 'trust', 'policy', 'follow');
    expect(followed).toMatchObject({ policy: 'warn', offered: null });
    expect((await suite.run(mo.profile, 'trust', 'policy', 'set', 'nooit')).code).toBe(64);
  }, 90_000);
});
