/**
 * A sensitive team in Chromium against a real gateway (issue 13, crypto SPEC §13.7): the worker
 * switches "residents' devices must be verified" on in the app; the resident's conversation says
 * that the worker must first compare the safety number; the worker's message waits, with the way
 * to the safety number, and goes by itself once the worker marked it as checked. Every screen is
 * checked for CSP violations, console errors and WCAG 2.1 A/AA (axe), in Dutch and in English.
 */
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
});
