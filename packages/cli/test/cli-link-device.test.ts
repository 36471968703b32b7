import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOrganisation, startCliSuite, type CliSuite } from './cli-harness.ts';

/** `person link-device`: a link code made for a resident who lost their only phone. */
describe('spreekuur person link-device', () => {
  let suite: CliSuite;
  let org: Awaited<ReturnType<typeof cliOrganisation>>;
  beforeAll(async () => {
    suite = await startCliSuite();
    org = await cliOrganisation(suite, 'cli-relink', ['Jan']);
  });
  afterAll(() => suite.close());

  it('lets the worker make one for their resident; the new device registers as that resident', async () => {
    const [jan] = org.residents;
    const printed = await suite.run(org.worker.profile, 'person', 'link-device', '--person', jan!.personId);
    expect(printed.code).toBe(0);
    expect(printed.out).toContain('Koppelcode voor een nieuw apparaat');
    expect(printed.out).toContain('contactpersonen zien een nieuw apparaat');
    const link = await suite.json<{ code: string; joinUrl: string; kind: string }>(
      org.admin.profile,
      'person',
      'link-device',
      '--person',
      jan!.personId,
      '--days',
      '7',
    );
    expect(link.kind).toBe('device');
    expect(link.joinUrl).toMatch(new RegExp(`/koppelen#${link.code}$`));
    const phone = await suite.json<{ personId: string }>(
      'jan-new.json',
      'register',
      '--invite',
      link.code,
      '--name',
      'Jan',
    );
    expect(phone.personId).toBe(jan!.personId);
  });

  it('refuses a resident plainly in their language, and more than 7 days', async () => {
    const [jan] = org.residents;
    const refused = await suite.run(
      jan!.profile,
      'person',
      'link-device',
      '--person',
      org.worker.personId,
      '--lang',
      'en',
    );
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('Your role does not allow this.');
    const tooLong = await suite.run(
      org.admin.profile,
      'person',
      'link-device',
      '--person',
      jan!.personId,
      '--days',
      '8',
    );
    expect(tooLong.code).not.toBe(0);
  });
});
