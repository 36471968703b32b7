/**
 * The web app in Chromium against a real gateway (embedded, or PostgreSQL + Redis when
 * DATABASE_URL/REDIS_URL are set): a worker and a resident in two browser contexts register
 * from invites, chat both ways end to end encrypted, send a document with a progress bar, and
 * keep everything over a reload. Every page is checked for CSP violations, console errors and
 * WCAG 2.1 A/AA violations (axe-core), in Dutch and English; afterwards the server's database
 * and logs are searched for the plaintext.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expectOk, invite, type TestGateway } from '@spreekuur/gateway/testing';
import { beforeAll, expect, it } from 'vitest';
import budget from '../budget.json' with { type: 'json' };
import { describeInBrowser, useWebSuite, type WebSuite } from './app-fixture.ts';
import { axeViolations, cspViolations, screenshots, type Page } from './browser.ts';

/**
 * A sent message's mark: "Verstuurd" lasts only until the other device's delivery receipt, which
 * can come before a look at the page (it did, and the wait for "Verstuurd" ran out).
 */
const SENT_OR_LATER = /^(Verstuurd|Ontvangen|Gelezen)$/;

describeInBrowser('web app in Chromium', { timeout: 60_000 }, () => {
  const suite = useWebSuite('web');
  const { problems, newPerson, expectClean, joinWith } = suite;
  let gateway: TestGateway;
  let org: WebSuite['org'];
  let worker: Page;
  let resident: Page;
  const question = `Goedemorgen, ik heb een vraag over mijn brief ${randomBytes(6).toString('hex')}`;
  const answer = `Dag Jan, stuur de brief maar ${randomBytes(6).toString('hex')}`;
  const fileMarker = `PASPOORTSCAN-${randomBytes(8).toString('hex')}`;
  const letter = Buffer.from(fileMarker.repeat(Math.ceil(700_000 / fileMarker.length)));

  beforeAll(() => {
    ({ gateway, org } = suite);
  });

  it('loads with the security headers, no CSP violation and no accessibility problem', async () => {
    worker = await newPerson();
    const response = await worker.goto(`${gateway.url}/join`);
    expect(response?.status()).toBe(200);
    const headers = response!.headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await worker.getByRole('heading', { name: 'Welkom bij Spreekuur' }).waitFor();
    await expectClean(worker, 'the join page');
    await screenshots(worker, 'join');
  });

  it('explains a wrong or used code in plain Dutch and keeps the form', async () => {
    await worker.getByLabel('Uw code').fill('ABC');
    await worker.getByLabel('Uw naam').fill('Sanne');
    await worker.getByRole('button', { name: 'Verder' }).click();
    await worker.getByRole('alert').getByText('Deze code klopt niet').waitFor();
    await worker.getByLabel('Uw code').fill('ABCD-EFGH-JKMN-PQRS');
    await worker.getByRole('button', { name: 'Verder' }).click();
    await worker.getByRole('alert').getByText('Vraag uw hulpverlener om een nieuwe code').waitFor();
    expect(await worker.getByLabel('Uw naam').inputValue()).toBe('Sanne');
    // The refusal itself is the one expected failed request (the browser logs it too).
    expect(problems.errors.filter((e) => !e.includes('404'))).toEqual([]);
    problems.errors.length = 0;
    await expectClean(worker, 'the join page with an error');
  });

  it('a worker joins from an invite link by keyboard alone, and invites a resident', async () => {
    const code = await invite(gateway, org.admin, 'worker', org.team.id);
    await worker.goto(`${gateway.url}/join#${code}`);
    expect(await worker.getByLabel('Uw code').inputValue()).toBe(code);
    // Tab from the top of the page to the name field, type, and press Enter.
    await worker.locator('body').focus();
    for (let i = 0; i < 10; i++) {
      await worker.keyboard.press('Tab');
      if (await worker.getByLabel('Uw naam').evaluate((el) => el === document.activeElement)) break;
    }
    await worker.keyboard.type('Sanne (wijkteam)');
    await worker.keyboard.press('Enter');
    await worker.getByRole('heading', { name: 'Gesprekken' }).waitFor();
    await worker.getByRole('button', { name: 'Inwoner uitnodigen' }).click();
    await worker.getByTestId('invite-code-resident').waitFor();
    await expectClean(worker, "the worker's home");
  });

  it('the resident joins with the code, and the two chat both ways', async () => {
    const code = (await worker.getByTestId('invite-code-resident').textContent())!.trim();
    resident = await newPerson();
    await joinWith(resident, code, 'Jan');
    await resident.getByRole('button', { name: 'Sanne (wijkteam)' }).click();
    await resident.getByRole('heading', { name: 'Gesprek met Sanne (wijkteam)' }).waitFor();
    await resident.getByLabel('Uw bericht').fill(question);
    await resident.keyboard.press('Enter');
    await resident.getByText(question).waitFor();
    await resident.locator('li.own .mark', { hasText: SENT_OR_LATER }).waitFor();

    // The worker sees one unread conversation, opens it and answers.
    const row = worker.getByRole('link', { name: /Jan/ });
    await row.getByText('1 nieuw').waitFor();
    await screenshots(worker, 'worker-home');
    await row.click();
    await worker.getByText(question).waitFor();
    await worker.getByLabel('Uw bericht').fill(answer);
    await worker.getByRole('button', { name: 'Versturen' }).click();

    await resident.getByText(answer).waitFor();
    await resident.locator('li.own .mark', { hasText: 'Gelezen' }).first().waitFor();
    await expectClean(resident, "the resident's chat");
    // 320 px wide (and so 200 % zoom of a 640 px window): nothing needs sideways scrolling.
    await resident.setViewportSize({ width: 320, height: 640 });
    expect(await resident.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await resident.setViewportSize({ width: 1280, height: 800 });
    await screenshots(resident, 'resident-chat');
  });

  it("a new resident's browser fetched at most the budget of the app before the chat was usable", async () => {
    // Everything since the invite link opened (join form, home, this chat): resource timing.
    const paths = await resident.evaluate(() => [
      ...new Set(performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname)),
    ]);
    const assets = paths.filter((path) => path.startsWith('/assets/'));
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    let bytes = gzipSync(await readFile(join(suite.dist, 'index.html')), { level: 9 }).length;
    for (const path of assets) bytes += gzipSync(await readFile(join(suite.dist, path)), { level: 9 }).length;
    const kb = bytes / 1024;
    console.log(
      `usable chat: index.html + ${assets.length} assets, ${kb.toFixed(1)} KB gzip (budget ${budget.usableChatGzipKB} KB)`,
    );
    expect(kb).toBeLessThanOrEqual(budget.usableChatGzipKB);
  });

  it('the resident sends a document with a progress bar; the worker downloads it byte for byte', async () => {
    const chooser = resident.waitForEvent('filechooser');
    await resident.getByText('Foto of document').click();
    await (await chooser).setFiles({ name: 'brief.pdf', mimeType: 'application/pdf', buffer: letter });
    await resident.getByRole('progressbar').waitFor();
    await resident.getByRole('progressbar').waitFor({ state: 'detached' });

    await worker.getByText(/brief\.pdf/).waitFor();
    await worker.getByRole('button', { name: 'Openen' }).click();
    const download = worker.waitForEvent('download');
    await worker.getByRole('link', { name: 'Openen' }).click();
    const saved = await (await download).path();
    expect(Buffer.compare(await readFile(saved), letter)).toBe(0);
    await expectClean(worker, "the worker's chat with a file");
  });

  it('a file over the limit is refused at once, in plain Dutch, and nothing is sent', async () => {
    const tooLarge = Buffer.alloc(25 * 1024 * 1024 + 1, 0x41);
    const chooser = resident.waitForEvent('filechooser');
    await resident.getByText('Foto of document').click();
    await (await chooser).setFiles({ name: 'te-groot.pdf', mimeType: 'application/pdf', buffer: tooLarge });
    await resident.getByText('Dit bestand is te groot. Het mag hoogstens 25 MB zijn.').waitFor();
    expect(await resident.getByRole('progressbar').count()).toBe(0);
    // The worker gets no message of it (the document of the test before is the last one).
    await worker.getByLabel('Uw bericht').fill('nog iets?');
    await worker.keyboard.press('Enter');
    await resident.getByText('nog iets?').waitFor();
    expect(await worker.getByText(/te-groot\.pdf/).count()).toBe(0);
    await expectClean(resident, 'the chat after a file over the limit');
  });

  it('an expired session is renewed without a word: the resident goes on as before', async () => {
    // Past the access token's lifetime: the server refuses the old token (401); the SDK signs
    // in again with the device key and repeats the call.
    const lifetime = (gateway.config.ACCESS_TOKEN_TTL_SECONDS + 60) * 1000;
    const logsBefore = gateway.logs.length;
    gateway.advanceClock(lifetime);
    try {
      await resident.getByRole('link', { name: 'Veiligheidsnummer' }).click();
      await resident.getByRole('heading', { name: 'Veiligheidsnummer met Sanne (wijkteam)' }).waitFor();
      await resident.getByTestId('safety-number').waitFor();
      await resident.goBack();
      await resident.getByRole('heading', { name: 'Gesprek met Sanne (wijkteam)' }).waitFor();
      const after = `na het verlopen ${randomBytes(4).toString('hex')}`;
      await resident.getByLabel('Uw bericht').fill(after);
      await resident.keyboard.press('Enter');
      await worker.getByText(after).waitFor();
      // The old token was refused once at least (so this is the renewal, not a token still valid).
      expect(gateway.logs.slice(logsBefore).some((line) => line.includes('"statusCode":401'))).toBe(true);
      // The refused call shows as a failed request in the console; nothing else went wrong.
      expect(problems.errors.filter((e) => !/401|Unauthorized/.test(e))).toEqual([]);
      problems.errors.length = 0;
      expect(await resident.getByRole('alert').filter({ hasText: /\S/ }).count()).toBe(0);
    } finally {
      gateway.advanceClock(-lifetime);
    }
  });

  it('a reload keeps the device and the conversation; keys stay sealed in IndexedDB', async () => {
    await resident.reload();
    await resident.getByRole('heading', { name: 'Gesprek met Sanne (wijkteam)' }).waitFor();
    await resident.getByText(answer).waitFor();
    await resident.getByText(question).waitFor();
    const stored = await resident.evaluate(async () => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open('spreekuur');
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(new Error('no database'));
      });
      const read = (store: string) =>
        new Promise<unknown[]>((resolve) => {
          const request = db.transaction(store).objectStore(store).getAll();
          request.onsuccess = () => resolve(request.result);
        });
      const values = (await read('values')) as Array<{ data: ArrayBuffer }>;
      const keys = (await read('keys')) as CryptoKey[];
      const text = values.map((v) => new TextDecoder().decode(v.data)).join('\n');
      return {
        count: values.length,
        text,
        extractable: keys.map((k) => k.extractable),
        localStorage: Object.keys(localStorage),
      };
    });
    expect(stored.count).toBeGreaterThan(10);
    expect(stored.extractable).toEqual([false]);
    for (const secret of [question, answer, 'identity', 'privateKey', '"Jan"']) {
      expect(stored.text).not.toContain(secret);
    }
    expect(stored.localStorage.filter((key) => key !== 'spreekuur.locale')).toEqual([]);
  });

  it('a second tab of the same device does not write, and says so', async () => {
    const second = await resident.context().newPage();
    await second.goto(`${gateway.url}/`);
    await second.getByText('Spreekuur is al open in een ander tabblad').waitFor();
    await second.close();
  });

  it('the resident joins the office-hours queue; the worker goes on duty and takes them', async () => {
    await resident.getByRole('link', { name: /Terug/ }).click();
    await resident.getByRole('heading', { name: 'Spreekuur' }).waitFor();
    await resident.getByText('Nu open').waitFor();
    await resident.getByRole('button', { name: 'Wachten op een hulpverlener' }).click();
    await resident.getByText('U bent nummer 1.').waitFor();
    await expectClean(resident, 'the resident waiting in the queue');
    await screenshots(resident, 'resident-queue');

    await worker.getByRole('link', { name: /Terug/ }).click();
    await worker.getByRole('button', { name: 'Begin dienst' }).click();
    await worker.getByText('Ik ben aan het werk').waitFor();
    await worker.getByText(/Nummer 1 — wacht \d+ min/).waitFor();
    await expectClean(worker, "the worker's queue");
    await screenshots(worker, 'worker-queue');
    await worker.getByRole('button', { name: 'Volgende helpen' }).click();
    await worker.getByRole('heading', { name: /Gesprek met Jan/ }).waitFor();
    await worker.getByLabel('Uw bericht').fill('Goedemiddag Jan, waarmee kan ik helpen?');
    await worker.keyboard.press('Enter');

    await resident.getByText('Een hulpverlener helpt u nu.').waitFor();
    await resident.getByRole('button', { name: 'Naar het gesprek' }).click();
    await resident.getByText('Goedemiddag Jan, waarmee kan ik helpen?').waitFor();
  });

  it('the resident books a face-to-face appointment, saves it to the calendar and cancels it', async () => {
    const workers = await expectOk<{ people: Array<{ id: string }> }>(
      gateway,
      org.admin,
      'GET',
      `/v1/people?role=worker&teamId=${org.team.id}`,
    );
    const allDay = [{ start: '00:00', end: '24:00' }];
    const days = Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, allDay]),
    );
    await expectOk(
      gateway,
      org.admin,
      'PUT',
      `/v1/scheduling/workers/${workers.people[0]!.id}/availability`,
      {
        weekly: { timeZone: 'Europe/Amsterdam', days },
      },
    );
    await expectOk(
      gateway,
      org.admin,
      'POST',
      `/v1/scheduling/teams/${org.team.id}/appointment-types`,
      {
        kind: 'in_person',
        name: 'Gesprek op kantoor',
        durationMinutes: 30,
        location: { name: 'Wijkcentrum De Brug', address: 'Dorpsstraat 1, Utrecht' },
      },
      201,
    );
    await resident.getByRole('link', { name: /Terug/ }).click();
    await resident.getByRole('button', { name: /Gesprek op kantoor — op kantoor, 30 min/ }).click();
    await resident.getByText('Kies een tijd').waitFor();
    await expectClean(resident, 'choosing a time');
    await screenshots(resident, 'resident-booking');
    await resident.locator('.slots button').first().click();
    await resident.getByText('Wijkcentrum De Brug, Dorpsstraat 1, Utrecht').waitFor();
    const download = resident.waitForEvent('download');
    await resident.getByRole('button', { name: 'In mijn agenda zetten' }).click();
    const ics = await readFile(await (await download).path(), 'utf8');
    expect(ics).toContain('BEGIN:VEVENT');
    expect(ics).toContain('SUMMARY:Gesprek op kantoor');
    await resident.getByRole('button', { name: 'Afspraak afzeggen' }).click();
    await resident.getByText('Wijkcentrum De Brug, Dorpsstraat 1, Utrecht').waitFor({ state: 'detached' });
    await resident.getByRole('button', { name: 'Naar het gesprek' }).click();
  });

  it('opens offline from the service worker, shows what it had, and sends the waiting message when back online', async () => {
    const lastWords = 'Goedemiddag Jan, waarmee kan ik helpen?';
    await resident.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await resident.context().setOffline(true);
    await resident.reload();
    await resident.getByText('Geen internet').waitFor();
    await resident.getByText(lastWords).waitFor();
    const later = `Ik ben er weer ${randomBytes(4).toString('hex')}`;
    await resident.getByLabel('Uw bericht').fill(later);
    await resident.keyboard.press('Enter');
    await resident.locator('li.pending', { hasText: later }).getByText('Wacht op internet').waitFor();
    expect(await cspViolations(resident)).toEqual([]);
    expect(await axeViolations(resident), 'accessibility offline').toEqual([]);
    await screenshots(resident, 'resident-offline');

    await resident.context().setOffline(false);
    await resident.locator('li.own', { hasText: later }).getByText(SENT_OR_LATER).waitFor();
    await worker.getByText(later).waitFor();
    // Being offline made the browser log failed requests; nothing else may have gone wrong.
    expect(
      problems.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to load resource|net::/.test(e)),
    ).toEqual([]);
    problems.errors.length = 0;
  });

  it('a worker starts a training group; the resident sees it, its members and its messages', async () => {
    await worker.getByRole('link', { name: /Terug/ }).click();
    await worker.getByLabel('Naam van de groep').fill('Weerbaarheidstraining');
    await worker.getByRole('checkbox', { name: 'Jan' }).check();
    await worker.getByRole('button', { name: 'Maken' }).click();
    await worker.getByRole('heading', { name: 'Weerbaarheidstraining' }).waitFor();
    await worker.getByLabel('Uw bericht').fill('Welkom in de groep!');
    await worker.keyboard.press('Enter');
    await worker
      .locator('li.own', { hasText: 'Welkom in de groep!' })
      .getByText(SENT_OR_LATER)
      .waitFor()
      .catch(async (error: unknown) => {
        const shown = await worker.locator('li.own', { hasText: 'Welkom in de groep!' }).innerText();
        throw new Error(`${String(error)}\nshown: ${shown}\n${problems.errors.join('\n')}`);
      });

    await resident.getByRole('link', { name: /Terug/ }).click();
    await resident.getByRole('link', { name: /Weerbaarheidstraining/ }).click();
    await resident.getByText('Welkom in de groep!').waitFor();
    await resident.getByText('Leden (2)').click();
    await resident.locator('.members li', { hasText: 'Sanne (wijkteam)' }).waitFor();
    await expectClean(resident, 'the group chat');
    await screenshots(resident, 'resident-group');
  });

  it('switches to English, remembers it over a reload, and stays accessible', async () => {
    await resident.getByRole('button', { name: 'Switch to English' }).click();
    await resident.getByText('Members (2)').waitFor();
    await resident.reload();
    await resident.getByText('Members (2)').waitFor();
    await resident.getByText('Welkom in de groep!').waitFor();
    expect(await resident.evaluate(() => document.documentElement.lang)).toBe('en');
    await expectClean(resident, 'the group chat in English');
    await resident.getByRole('link', { name: /Back/ }).click();
    await resident.getByRole('heading', { name: 'Conversations' }).waitFor();
    await expectClean(resident, 'the home page in English');
    await screenshots(resident, 'resident-home-en');
  });

  it("an admin signs out the resident's device, and the resident's app says so", async () => {
    const created = await gateway.app.inject({
      method: 'POST',
      url: `/v1/operator/organisations/${org.id}/admin-invites`,
      headers: { 'x-operator-token': gateway.operatorToken },
      payload: {},
    });
    expect(created.statusCode).toBe(201);
    const adminInvite = created.json<{ code: string }>();
    const admin = await newPerson();
    await joinWith(admin, adminInvite.code, 'Beheerder web');
    await admin.getByRole('heading', { name: 'Teams' }).waitFor();
    await admin.getByRole('button', { name: 'Jan inwoner' }).click();
    await expectClean(admin, "the admin's people and devices");
    await screenshots(admin, 'admin');
    await admin.getByRole('button', { name: /Afmelden: Chrome/ }).click();
    await resident.getByText('This device was signed out').waitFor();
  });

  it('no plaintext of the messages or the document reached the database or the logs', async () => {
    const { rows: tables } = await gateway.db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    );
    const render = (value: unknown) =>
      value instanceof Uint8Array
        ? `${Buffer.from(value).toString('latin1')} ${Buffer.from(value).toString('hex')}`
        : (JSON.stringify(value) ?? '');
    let everything = gateway.logs.join('\n');
    for (const { table_name } of tables) {
      const { rows } = await gateway.db.query(`SELECT * FROM "${table_name}"`);
      everything += rows.map((row) => Object.values(row).map(render).join(' ')).join('\n');
    }
    expect(everything).toContain('Sanne (wijkteam)'); // the search does see what the server keeps
    for (const canary of [question, answer, fileMarker, Buffer.from(fileMarker).toString('hex')]) {
      expect(everything.includes(canary), canary).toBe(false);
    }
  });
});
