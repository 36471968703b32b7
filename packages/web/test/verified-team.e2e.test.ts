/**
 * A sensitive team in Chromium against a real gateway (issue 13, crypto SPEC §13.7): the worker
 * switches "residents' devices must be verified" on in the app; the resident's conversation says
 * that the worker must first compare the safety number; the worker's message waits, with the way
 * to the safety number, and goes by itself once the worker marked it as checked. Every screen is
 * checked for CSP violations, console errors and WCAG 2.1 A/AA (axe), in Dutch and in English.
 */
import { randomBytes } from 'node:crypto';
import { invite } from '@spreekuur/gateway/testing';
import { expect, it } from 'vitest';
import { describeInBrowser, useWebSuite } from './app-fixture.ts';
import type { Page } from './browser.ts';

describeInBrowser('a sensitive team in Chromium', { timeout: 60_000 }, () => {
  const suite = useWebSuite('web-verified');
  const { newPerson, expectClean, joinWith } = suite;
  let worker: Page;
  let resident: Page;

  it('the worker switches the team to sensitive', async () => {
    worker = await newPerson();
    await joinWith(worker, await suite.workerInvite(), 'Sanne');
    await worker.getByRole('link', { name: 'Gevoelig team: veiligheidsnummers' }).click();
    await worker.getByRole('heading', { name: 'Gevoelig team', level: 1 }).waitFor();
    const box = worker.getByLabel('Apparaten van inwoners moeten gecontroleerd zijn');
    expect(await box.isChecked()).toBe(false);
    await expectClean(worker, 'the sensitive-team page');
    await box.check();
    await worker.getByText('Opgeslagen.').waitFor();
    expect(await box.isChecked()).toBe(true);
    const [team] = (
      await suite.gateway.db.query<{ on: boolean }>(
        'SELECT verified_devices_required AS on FROM teams WHERE id = $1',
        [suite.org.team.id],
      )
    ).rows;
    expect(team?.on).toBe(true);
    await expectClean(worker, 'the sensitive-team page, switched on');
    await worker.getByRole('button', { name: 'Switch to English' }).click();
    await worker.getByLabel("Residents' devices must be verified").waitFor();
    await expectClean(worker, 'the sensitive-team page in English');
    await worker.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  });

  it('the resident writes, and reads that the worker must compare the safety number first', async () => {
    resident = await newPerson();
    await joinWith(
      resident,
      await invite(suite.gateway, suite.org.admin, 'resident', suite.org.team.id),
      'Jan',
    );
    await resident.getByRole('button', { name: 'Sanne' }).click();
    await resident.getByRole('heading', { name: 'Gesprek met Sanne' }).waitFor();
    const notice = resident
      .getByRole('status')
      .filter({ hasText: 'Uw hulpverlener moet eerst het veiligheidsnummer met u vergelijken' });
    await notice.waitFor();
    await notice.getByText('Uw eigen berichten aan Sanne komen wel gewoon aan.').waitFor();
    await expectClean(resident, 'the resident notice of a sensitive team');
    // Residents' own messages are not held.
    await resident.getByLabel('Uw bericht').fill('Goedemorgen Sanne');
    await resident.keyboard.press('Enter');
    await worker.getByRole('link', { name: /Terug/ }).click();
    await worker.getByRole('link', { name: /Jan/ }).click();
    await worker.getByText('Goedemorgen Sanne').waitFor();
  });

  it("the worker's answer waits for the safety number, and goes once it is checked", async () => {
    const text = 'Dag Jan, stuur de brief maar';
    await worker.getByLabel('Uw bericht').fill(text);
    await worker.keyboard.press('Enter');
    await worker
      .locator('li.pending', { hasText: text })
      .getByText('Wacht: vergelijk eerst het veiligheidsnummer')
      .waitFor();
    const notice = worker
      .getByRole('status')
      .filter({ hasText: 'Uw bericht wacht op het veiligheidsnummer van Jan' });
    await notice.waitFor();
    await expectClean(worker, 'a message held for the safety number');
    // Nothing reached the server: Jan sees only his own message.
    expect(await resident.getByText(text).count()).toBe(0);

    await notice.getByRole('button', { name: 'Veiligheidsnummer vergelijken' }).click();
    await worker.getByRole('heading', { name: 'Veiligheidsnummer met Jan' }).waitFor();
    await worker.getByRole('button', { name: 'Gelijk: markeer als gecontroleerd' }).click();
    await worker.getByText('U heeft dit nummer met Jan vergeleken. Het was gelijk.').waitFor();
    await worker.getByRole('link', { name: /Terug/ }).click();
    await worker
      .locator('li.own:not(.pending)', { hasText: text })
      .getByText(/^(Verstuurd|Ontvangen|Gelezen)$/)
      .waitFor();
    await notice.waitFor({ state: 'detached' });
    await resident.getByText(text).waitFor();
  });

  it('the resident checks the number too, and the notice goes', async () => {
    const notice = resident
      .getByRole('status')
      .filter({ hasText: 'Uw hulpverlener moet eerst het veiligheidsnummer met u vergelijken' });
    await notice.getByRole('button', { name: 'Bekijk veiligheidsnummer' }).click();
    await resident.getByRole('heading', { name: 'Veiligheidsnummer met Sanne' }).waitFor();
    await resident.getByRole('button', { name: 'Gelijk: markeer als gecontroleerd' }).click();
    await resident.getByText('U heeft dit nummer met Sanne vergeleken. Het was gelijk.').waitFor();
    await resident.getByRole('link', { name: /Terug/ }).click();
    await resident.getByRole('heading', { name: /Gesprek met Sanne.*Gecontroleerd/ }).waitFor();
    expect(await notice.count()).toBe(0);
  });

  it('a changed key shows as soon as the conversation opens, and messages wait for a new comparison', async () => {
    // The server (its database here) lists another key for Jan's phone.
    const db = suite.gateway.db;
    const { rows } = await db.query<{ id: string; identity_key: Uint8Array }>(
      `SELECT d.id, d.identity_key FROM devices d JOIN people p ON p.id = d.person_id
        WHERE p.display_name = 'Jan' AND d.revoked_at IS NULL`,
    );
    const phone = rows[0]!;
    await db.query('UPDATE devices SET identity_key = $1 WHERE id = $2', [
      new Uint8Array(randomBytes(32)),
      phone.id,
    ]);
    try {
      await worker.getByRole('link', { name: /Terug/ }).click();
      await worker.getByRole('link', { name: /Jan/ }).click();
      // Nothing sent, no safety page opened: opening the conversation is enough to see it.
      const alert = worker
        .getByRole('alert')
        .filter({ hasText: 'Let op: het veiligheidsnummer van Jan is veranderd.' });
      await alert.waitFor();
      await worker.getByRole('heading', { name: /Gecontroleerd/ }).waitFor({ state: 'detached' });
      await expectClean(worker, 'a changed key in a sensitive team');
      // Accepting the new key is not comparing it: in a sensitive team the next message waits again.
      await alert.getByRole('button', { name: 'Accepteren' }).click();
      await alert.waitFor({ state: 'detached' });
      const text = 'Heeft u een nieuwe telefoon?';
      await worker.getByLabel('Uw bericht').fill(text);
      await worker.keyboard.press('Enter');
      await worker
        .getByRole('status')
        .filter({ hasText: 'Uw bericht wacht op het veiligheidsnummer van Jan' })
        .waitFor();
      await worker.locator('li.pending', { hasText: text }).getByText('Wacht:', { exact: false }).waitFor();
      // After a reload the message still waits, and says so (the SDK keeps it in its outbox).
      await worker.reload();
      await worker.getByRole('heading', { name: 'Gesprek met Jan' }).waitFor();
      await worker.locator('li.pending', { hasText: text }).getByText('Wacht:', { exact: false }).waitFor();
      await worker
        .getByRole('status')
        .filter({ hasText: 'Uw bericht wacht op het veiligheidsnummer van Jan' })
        .waitFor();
      await expectClean(worker, 'a held message after a reload');
    } finally {
      await db.query('UPDATE devices SET identity_key = $1 WHERE id = $2', [phone.identity_key, phone.id]);
    }
  });
});
