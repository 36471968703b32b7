/**
 * Moderated groups in Chromium against a real gateway (embedded, or PostgreSQL + Redis when
 * DATABASE_URL/REDIS_URL are set): a worker makes a group with two residents; one reports the
 * other's message (message franking, SPEC §14); the worker sees the report verified on their
 * device, mutes the sender from it and then removes them from the group; the muted resident is
 * told plainly why their message did not go; a third person joins through a group link after
 * the worker let them in. Every new page and form is checked for CSP, axe and console errors.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { describeInBrowser, useWebSuite } from './app-fixture.ts';
import type { Page } from './browser.ts';

describeInBrowser('moderated groups in Chromium', { timeout: 90_000 }, () => {
  const suite = useWebSuite('web-moderation');
  const { newPerson, expectClean, joinWith } = suite;
  let worker: Page;
  let anna: Page;
  let bram: Page;
  const nasty = `Jij bent dom ${randomBytes(4).toString('hex')}`;

  /** The worker makes a resident invite in the app and the new person joins with it. */
  async function resident(name: string): Promise<Page> {
    await go(worker, '/');
    const shown = worker.getByTestId('invite-code-resident');
    const before = (await shown.count()) > 0 ? await shown.textContent() : null;
    await worker.getByRole('button', { name: 'Inwoner uitnodigen' }).click();
    // A second invite replaces the first one on screen: wait for the new code.
    await worker.waitForFunction((previous) => {
      const code = document.querySelector('[data-testid="invite-code-resident"]')?.textContent;
      return !!code && code !== previous;
    }, before);
    const code = (await shown.textContent())!.trim();
    const page = await newPerson();
    await joinWith(page, code, name);
    return page;
  }

  /**
   * Goes to a page of the app the way its own links do (no reload: a reload of a device that has
   * conversations shows them before it has signed in again, see the report).
   */
  const go = (page: Page, path: string) =>
    page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, path);

  /** Waits until the page's own message shows as sent; says what it shows instead if not. */
  const sent = (page: Page, text: string) =>
    page
      .locator('li.own', { hasText: text })
      .getByText(/^(Verstuurd|Ontvangen|Gelezen)$/)
      .waitFor()
      .catch(async (error: unknown) => {
        const shown = await page.locator('main').innerText();
        throw new Error(`${String(error)}\nshown: ${shown}\n${suite.problems.errors.join('\n')}`);
      });

  const openGroup = async (page: Page) => {
    await go(page, '/');
    await page.getByRole('link', { name: /Training/ }).click();
    await page.getByRole('heading', { name: 'Training' }).waitFor();
  };

  beforeAll(async () => {
    worker = await newPerson();
    await joinWith(worker, await suite.workerInvite(), 'Sanne');
    anna = await resident('Anna');
    bram = await resident('Bram');
  }, 180_000);

  it('a worker makes a group with two residents; a member reports a message by keyboard', async () => {
    // Home again (it lists the people who joined meanwhile).
    await go(worker, '/meldingen');
    await go(worker, '/');
    await worker.getByLabel('Naam van de groep').fill('Training');
    await worker.getByRole('checkbox', { name: 'Anna' }).check();
    await worker.getByRole('checkbox', { name: 'Bram' }).check();
    await worker.getByRole('button', { name: 'Maken' }).click();
    await worker.getByRole('heading', { name: 'Training' }).waitFor();

    await openGroup(bram);
    await bram.getByLabel('Uw bericht').fill(nasty);
    await bram.keyboard.press('Enter');
    await sent(bram, nasty);

    await openGroup(anna);
    const message = anna.locator('li.theirs', { hasText: nasty });
    await message.waitFor();
    await message.getByRole('button', { name: 'Melden' }).focus();
    await anna.keyboard.press('Enter');
    await anna.getByLabel('Waarom meldt u dit?').waitFor();
    await expectClean(anna, 'the report form');
    await anna.keyboard.press('Tab'); // the reason (harassment is chosen)
    await anna.keyboard.press('Tab');
    await anna.keyboard.type('Dit is niet aardig.');
    await anna.keyboard.press('Tab');
    await anna.keyboard.press('Enter');
    await anna.getByText('Dank u. De moderatoren kijken ernaar.').waitFor();
    await expectClean(anna, 'the report sent');
  });

  it('the moderator sees the report verified and mutes the sender; the muted member is told plainly', async () => {
    await go(worker, '/');
    await worker.getByRole('link', { name: 'Meldingen' }).click();
    const report = worker.getByTestId('report');
    await report.getByText(nasty).waitFor();
    await report.getByText('Echt verstuurd').waitFor();
    expect(await report.innerText()).toContain('Gemeld door Anna');
    expect(await report.innerText()).toContain('Dit is niet aardig.');
    await expectClean(worker, 'the reports page');
    await report.getByRole('button', { name: '1 dag stilzetten' }).click();
    await worker.getByText('Er zijn geen open meldingen.').first().waitFor();

    await bram.getByLabel('Uw bericht').fill('Mag ik nog iets zeggen?');
    await bram.keyboard.press('Enter');
    await bram
      .getByTestId('composer-notice')
      .getByText(/U bent stilgezet tot \d\d:\d\d/)
      .waitFor();
    await expectClean(bram, 'the composer of a muted member');

    // The reporter sees that it was handled.
    await go(anna, '/meldingen');
    await anna.getByTestId('my-reports').getByText('bekeken, er is iets gedaan').waitFor();
    await expectClean(anna, "the reporter's reports");
  });

  it('the moderator removes the member from the group screen', async () => {
    await openGroup(worker);
    await worker.getByText('Leden (3)').click();
    const tools = worker.getByRole('group', { name: 'Wat wilt u doen met Bram?' });
    await tools.getByText('stil tot').waitFor();
    await expectClean(worker, 'the group tools');
    await tools.getByRole('button', { name: 'Uit de groep halen' }).click();
    await worker.getByText('Leden (2)').waitFor();
  });

  it('a group link joins a third person after the moderator lets them in', async () => {
    const cor = await resident('Cor');
    await openGroup(worker);
    await worker.getByText('Leden (2)').click();
    await worker.getByLabel('Nieuwe leden moeten eerst worden toegelaten').check();
    await worker.getByRole('button', { name: 'Opslaan' }).click();
    await worker.getByText('Opgeslagen.').waitFor();
    await worker.getByRole('button', { name: 'Link maken' }).click();
    const link = (await worker.getByTestId('group-link').textContent())!.trim();
    expect(link).toMatch(/\/groepslink#[A-Za-z0-9_-]{43}$/);
    await worker.getByRole('img', { name: /QR-code met de groepslink/ }).waitFor();
    await expectClean(worker, 'the group link');

    await cor.goto(link);
    await cor.getByText('Wilt u meedoen in de groep Training?').waitFor();
    await cor.getByText('Een moderator moet u eerst toelaten.').waitFor();
    await expectClean(cor, 'the group-link page');
    await cor.getByRole('button', { name: 'Meedoen' }).click();
    await cor.getByText('U heeft gevraagd om mee te doen.', { exact: false }).waitFor();

    await worker.getByRole('button', { name: 'Toelaten: Cor' }).click();
    await worker.getByText('Leden (3)').waitFor();
    await go(cor, '/');
    await cor.getByRole('link', { name: /Training/ }).waitFor();
  });

  it('in English too', async () => {
    await go(worker, '/meldingen');
    await worker.getByRole('button', { name: 'Switch to English' }).click();
    await worker.getByRole('heading', { name: 'Reports', exact: true }).waitFor();
    await expectClean(worker, 'the reports page in English');
    await openGroup(worker);
    await worker.getByText('Members (3)').click();
    await worker.getByRole('heading', { name: 'Manage the group' }).waitFor();
    await expectClean(worker, 'the group tools in English');
  });
});
