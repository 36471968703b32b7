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

  it('the owner makes a member moderator by keyboard, after a question; she then sees the tools', async () => {
    // Anna has the group open: the change reaches her while she looks.
    await openGroup(anna);
    await anna.getByText('Leden (3)').click();
    expect(await anna.getByRole('heading', { name: 'Groep beheren' }).count()).toBe(0);

    await openGroup(worker);
    await worker.getByText('Leden (3)').click();
    const tools = worker.getByRole('group', { name: 'Wat wilt u doen met Anna?' });
    const focused = (text: string) =>
      worker.waitForFunction((words) => document.activeElement?.textContent === words, text);
    await tools.getByRole('button', { name: 'Moderator maken', exact: true }).focus();
    await worker.keyboard.press('Enter');
    const question = tools.getByRole('group', { name: /Anna moderator maken\?/ });
    await question.waitFor();
    await focused('Ja, moderator maken');
    await expectClean(worker, 'the question before a role change');
    // Escape goes back to the button without a change; the question takes the focus, so Enter says yes.
    await worker.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    await focused('Moderator maken');
    await worker.keyboard.press('Enter');
    await focused('Ja, moderator maken');
    await worker.keyboard.press('Enter');
    await tools
      .getByRole('button', { name: 'Weer gewone deelnemer maken' })
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(`${String(error)}\nshown: ${await worker.locator('.group-tools').innerText()}`);
      });
    await worker.locator('details.members li', { hasText: 'Anna ★' }).waitFor();

    await anna.getByRole('heading', { name: 'Groep beheren' }).waitFor();
    await anna.getByRole('group', { name: 'Wat wilt u doen met Cor?' }).waitFor();
    await expectClean(anna, 'the tools of a new moderator');

    // And back: the tools go again.
    await tools.getByRole('button', { name: 'Weer gewone deelnemer maken' }).click();
    await tools.getByRole('button', { name: 'Ja, gewone deelnemer maken' }).click();
    await tools.getByRole('button', { name: 'Moderator maken', exact: true }).waitFor();
    await anna.getByRole('heading', { name: 'Groep beheren' }).waitFor({ state: 'detached' });
  });

  it('the moderator bans a member and lets them back from the list of banned people', async () => {
    await openGroup(worker);
    await worker.getByText('Leden (3)').click();
    await worker
      .getByRole('group', { name: 'Wat wilt u doen met Cor?' })
      .getByRole('button', { name: 'Weren' })
      .click();
    await worker.getByText('Leden (2)').waitFor();
    const bans = worker.getByTestId('bans');
    await bans.getByText(/^Cor, geweerd sinds /).waitFor();
    await expectClean(worker, 'the list of banned people');
    await bans.getByRole('button', { name: 'Niet meer weren: Cor' }).click();
    await bans.waitFor({ state: 'detached' });
    // Let in again, Cor can come back with a link (the group still asks for approval).
    expect(await worker.getByRole('heading', { name: 'Geweerd uit de groep' }).count()).toBe(0);
  });

  it("a member the server adds without a moderator's signature is pointed out in the conversation", async () => {
    const dirk = await resident('Dirk');
    await dirk.close();
    await openGroup(anna);
    expect(await anna.getByTestId('membership-notice').count()).toBe(0);
    // The worker's own access token, as the app sends it; the API without the SDK signs nothing.
    const request = worker.waitForRequest((r) => !!r.headers()['authorization']);
    await go(worker, '/meldingen');
    const authorization = (await request).headers()['authorization']!;
    const people = await suite.gateway.app.inject({
      method: 'GET',
      url: '/v1/people',
      headers: { authorization },
    });
    const dirkId = people
      .json<{ people: Array<{ id: string; displayName: string }> }>()
      .people.find((p) => p.displayName === 'Dirk')!.id;
    const listed = await suite.gateway.app.inject({
      method: 'GET',
      url: '/v1/channels',
      headers: { authorization },
    });
    const group = listed
      .json<{ channels: Array<{ id: string; name: string | null }> }>()
      .channels.find((channel) => channel.name === 'Training')!;
    const added = await suite.gateway.app.inject({
      method: 'POST',
      url: `/v1/channels/${group.id}/members`,
      headers: { authorization },
      payload: { personId: dirkId },
    });
    expect(added.statusCode, added.body).toBe(200);

    const notice = anna.getByTestId('membership-notice');
    await notice
      .getByText(
        'Let op: Dirk is toegevoegd zonder bevestiging van een beheerder van de groep. Vraag het na.',
      )
      .waitFor();
    await expectClean(anna, 'the notice of an unsigned member');
    await notice.getByRole('button', { name: 'Begrepen' }).click();
    await notice.waitFor({ state: 'detached' });
  });

  it('an organisation admin sees how many reports each group has, and never what was reported', async () => {
    const admin = await newPerson();
    await joinWith(admin, await suite.adminInvite(), 'Beheerder Els');
    await admin.getByRole('link', { name: 'Meldingen per groep' }).click();
    await admin.getByRole('heading', { name: 'Meldingen per groep' }).waitFor();
    const table = admin.getByTestId('report-overview');
    await table.waitFor();
    const row = table.getByRole('row', { name: /^Groep [0-9a-f]{8}/ });
    expect(await row.count()).toBe(1);
    // The report of the first test, handled by muting: one report, action taken.
    expect(await row.getByRole('cell').allInnerTexts()).toEqual(['1', '0', '0', '1']);
    expect(await admin.locator('main').innerText()).not.toContain(nasty);
    await expectClean(admin, 'the report overview');
    // Not for workers: the link is not on their home screen.
    await go(worker, '/');
    await worker.getByRole('link', { name: 'Meldingen' }).waitFor();
    expect(await worker.getByRole('link', { name: 'Meldingen per groep' }).count()).toBe(0);
  });

  it('in English too', async () => {
    await go(worker, '/meldingen');
    await worker.getByRole('button', { name: 'Switch to English' }).click();
    await worker.getByRole('heading', { name: 'Reports', exact: true }).waitFor();
    await expectClean(worker, 'the reports page in English');
    await openGroup(worker);
    await worker.getByText(/^Members \(\d\)$/).click();
    await worker.getByRole('heading', { name: 'Manage the group' }).waitFor();
    await expectClean(worker, 'the group tools in English');
  });
});
