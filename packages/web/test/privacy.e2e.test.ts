/**
 * The privacy screens in Chromium against a real gateway (docs/web.md, "Privacy screens"): a
 * resident reads and downloads their data (the server's export plus the history only their
 * device can read), makes a backup under a recovery key and brings it back on a new device; an
 * admin changes retention, reads, filters and downloads the audit log, and erases a person.
 * Every screen is checked for CSP violations, console errors and WCAG 2.1 A/AA (axe).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { describeInBrowser, useWebSuite } from './app-fixture.ts';
import type { Download, Page } from 'playwright-core';

/** The entries of a zip as stored (no compression), read from the local headers. */
function storedEntries(zip: Buffer): Map<string, string> {
  const entries = new Map<string, string>();
  let at = 0;
  while (zip.readUInt32LE(at) === 0x04034b50) {
    expect(zip.readUInt16LE(at + 8)).toBe(0); // stored
    const size = zip.readUInt32LE(at + 18);
    const nameLength = zip.readUInt16LE(at + 26);
    const start = at + 30 + nameLength + zip.readUInt16LE(at + 28);
    entries.set(
      zip.toString('utf8', at + 30, at + 30 + nameLength),
      zip.toString('utf8', start, start + size),
    );
    at = start + size;
  }
  // The end record counts the same entries.
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(zip.readUInt16LE(end + 10)).toBe(entries.size);
  return entries;
}

async function downloaded(page: Page, button: string): Promise<{ name: string; body: Buffer }> {
  const event: Promise<Download> = page.waitForEvent('download');
  await page.getByRole('button', { name: button }).click();
  const download = await event;
  return { name: download.suggestedFilename(), body: await readFile(await download.path()) };
}

describeInBrowser('privacy screens in Chromium', { timeout: 120_000 }, () => {
  const suite = useWebSuite('privacy');
  const { newPerson, expectClean, joinWith, problems } = suite;
  let worker: Page;
  let resident: Page;
  let newPhone: Page;
  let thirdPhone: Page;
  let admin: Page;
  let recoveryKey: string;
  const question = `Mag ik mijn dossier inzien ${randomBytes(6).toString('hex')}`;
  const answer = `Ja, dat kan altijd ${randomBytes(6).toString('hex')}`;
  const dossier = Buffer.from(`Mijn dossier ${randomBytes(6).toString('hex')}`);

  /** Home (inside the app, as its back link does: no reload), then one of its links. */
  const openLink = async (page: Page, name: string | RegExp, heading: string) => {
    await page.evaluate(() => {
      history.pushState(null, '', '/');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await page.getByRole('link', { name }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  };

  it('a worker and a resident join and write to each other', async () => {
    worker = await newPerson();
    await joinWith(worker, await suite.workerInvite(), 'Sanne (wijkteam)');
    await worker.getByRole('button', { name: 'Inwoner uitnodigen' }).click();
    const code = (await worker.getByTestId('invite-code-resident').textContent())!.trim();
    resident = await newPerson();
    await joinWith(resident, code, 'Jan Privé');
    await resident.getByRole('button', { name: 'Sanne (wijkteam)' }).click();
    await resident.getByLabel('Uw bericht').fill(question);
    await resident.keyboard.press('Enter');
    await resident.locator('li.own', { hasText: question }).waitFor();
    await worker.getByRole('link', { name: /Jan Privé/ }).click();
    await worker.getByText(question).waitFor();
    await worker.getByLabel('Uw bericht').fill(answer);
    await worker.getByRole('button', { name: 'Versturen' }).click();
    await resident.getByText(answer).waitFor();
    // And a document, which the zip of "my data" carries decrypted.
    const chooser = resident.waitForEvent('filechooser');
    await resident.getByText('Foto of document').click();
    await (await chooser).setFiles({ name: 'dossier.txt', mimeType: 'text/plain', buffer: dossier });
    await worker.getByText(/dossier\.txt/).waitFor();
  });

  it('the resident reads their data and downloads it as JSON, as a summary and as a zip', async () => {
    await openLink(resident, 'Mijn gegevens', 'Mijn gegevens');
    await resident.getByText('U bent Jan Privé (inwoner)').waitFor();
    await resident.getByText(/Chatspreekuur-gesprekken worden 30 dagen na afloop gewist/).waitFor();
    await resident.getByText('privacy.exported').first().waitFor();
    await expectClean(resident, 'my data');

    const json = await downloaded(resident, 'Gegevens downloaden (JSON)');
    expect(json.name).toMatch(/^spreekuur-mijn-gegevens-\d{4}-\d{2}-\d{2}\.json$/);
    const data = JSON.parse(json.body.toString('utf8')) as {
      server: { profile: { displayName: string }; channels: Array<{ messagesSent: number }> };
      device: {
        messages: Array<{ text?: string; file?: string; fileInZip?: string; own: boolean; from: string }>;
      };
    };
    expect(data.server.profile.displayName).toBe('Jan Privé');
    expect(data.server.channels.map((channel) => channel.messagesSent)).toEqual([2]);
    // The server's part holds no message text (it never had any); the device's part does.
    const serverPart = JSON.stringify(data.server);
    expect(serverPart).not.toContain(question);
    expect(serverPart).not.toContain(answer);
    expect(data.device.messages).toEqual([
      expect.objectContaining({ text: question, own: true, from: 'U' }),
      expect.objectContaining({ text: answer, own: false, from: 'Sanne (wijkteam)' }),
      expect.objectContaining({ file: 'dossier.txt', own: true, from: 'U' }),
    ]);
    // The JSON alone carries no files, so it points at none.
    expect(data.device.messages[2]).not.toHaveProperty('fileInZip');

    const html = (await downloaded(resident, 'Overzicht downloaden (om te lezen)')).body.toString('utf8');
    expect(html).toContain('<html lang="nl">');
    expect(html).toContain('Jan Privé');
    expect(html).toContain(question);
    expect(html).toContain(answer);
    expect(html).not.toContain('<script');

    const archive = await downloaded(resident, 'Alles downloaden (zip)');
    expect(archive.name).toMatch(/\.zip$/);
    const entries = storedEntries(archive.body);
    const zipped = JSON.parse(entries.get('mijn-gegevens.json')!) as typeof data;
    expect(zipped.device.messages).toHaveLength(3);
    const filePath = zipped.device.messages[2]!.fileInZip!;
    expect(filePath).toMatch(/^bestanden\/[0-9a-f]{8}-\d+-dossier\.txt$/);
    expect([...entries.keys()]).toEqual(['mijn-gegevens.json', 'mijn-gegevens.html', filePath]);
    expect(entries.get(filePath)).toBe(dossier.toString('utf8'));
    expect(entries.get('mijn-gegevens.html')).toContain(question);

    await resident.getByRole('button', { name: 'Switch to English' }).click();
    await resident.getByRole('heading', { name: 'My data', level: 1 }).waitFor();
    await resident.getByText('You are Jan Privé (resident)').waitFor();
    await expectClean(resident, 'my data in English');
    await resident.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await resident.getByRole('heading', { name: 'Mijn gegevens', level: 1 }).waitFor();
  });

  it('the resident makes a backup; the recovery key is shown once, as text and QR code', async () => {
    await resident.getByRole('link', { name: 'Back-up en herstel' }).click();
    await resident.getByRole('heading', { name: 'Back-up en herstel', level: 1 }).waitFor();
    await expectClean(resident, 'backup and restore');
    await resident.getByRole('button', { name: 'Nieuwe herstelsleutel maken' }).click();
    recoveryKey = (await resident.locator('[data-recovery-key]').textContent())!.trim();
    expect(recoveryKey).toMatch(/^([0-9A-Z]{4}-){7}[0-9A-Z]{4}$/);
    await resident.getByRole('img', { name: `QR-code met uw herstelsleutel ${recoveryKey}` }).waitFor();
    await resident.getByRole('button', { name: 'Back-up opslaan' }).click();
    await resident.getByRole('alert').getByText('Zet eerst een vinkje').waitFor();
    await expectClean(resident, 'the recovery key');
    await resident.getByLabel('Ik heb de herstelsleutel opgeschreven').check();
    await resident.getByRole('button', { name: 'Back-up opslaan' }).click();
    // Argon2id at its full cost in the browser: wait for the outcome, whichever it is.
    const saved = resident.locator('#backup-make-status');
    const outcome = async () =>
      `${await saved.innerText()}|${await resident.locator('#backup-make-error').innerText()}`;
    await expect.poll(outcome, { timeout: 60_000 }).toMatch(/opgeslagen\.|\|.+/);
    expect(await saved.innerText()).toBe(
      'Uw back-up is opgeslagen. De sleutel staat niet meer op het scherm.',
    );
    expect(await resident.locator('[data-recovery-key]').count()).toBe(0);
    expect(await resident.locator('main').innerText()).not.toContain(recoveryKey);
  });

  it('a new device refuses a wrong recovery key plainly, then brings the conversation back with the right one', async () => {
    await resident.getByRole('button', { name: 'Code maken' }).click();
    const linkCode = (await resident.locator('[data-link-code]').textContent())!.trim();
    newPhone = await newPerson();
    await joinWith(newPhone, linkCode, 'Jan Privé');
    // The first device approves the new one (the trust feature's question).
    await openLink(resident, 'Mijn apparaten en veiligheid', 'Mijn apparaten');
    const approval = resident.getByRole('dialog', { name: 'Een nieuw apparaat wil meedoen' });
    await approval.getByRole('button', { name: 'Ja, dit is van mij' }).click();
    await approval.waitFor({ state: 'detached' });
    problems.errors.length = 0; // (the new device's calls before approval are refused; that is the trust feature's to test)

    await openLink(newPhone, 'Back-up en herstel', 'Back-up en herstel');
    await newPhone.getByLabel('Uw herstelsleutel').fill('AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH');
    await newPhone.getByRole('button', { name: 'Terugzetten' }).click();
    const refusal = newPhone.locator('#restore-error');
    await expect.poll(() => refusal.innerText(), { timeout: 60_000 }).not.toBe('');
    expect(await refusal.innerText()).toBe(
      'Deze herstelsleutel past niet bij uw back-up. Er is niets veranderd. Kijk de sleutel na en probeer het nog een keer.',
    );
    expect(await newPhone.getByLabel('Uw herstelsleutel').getAttribute('aria-invalid')).toBe('true');
    await expectClean(newPhone, 'a wrong recovery key');

    await newPhone.getByLabel('Uw herstelsleutel').fill(recoveryKey.toLowerCase());
    await newPhone.getByRole('button', { name: 'Terugzetten' }).click();
    await newPhone.getByText(/Klaar\. \d+ berichten zijn teruggezet\./).waitFor({ timeout: 60_000 });
    await openLink(newPhone, /Sanne \(wijkteam\)/, 'Gesprek met Sanne (wijkteam)');
    await newPhone.getByText(question).waitFor();
    await newPhone.getByText(answer).waitFor();
  });

  it('an admin sets retention (a value out of range is refused) and sees the change in the audit log', async () => {
    admin = await newPerson();
    await joinWith(admin, await suite.adminInvite(), 'Beheerder web');
    await openLink(admin, 'Hoe lang we gegevens bewaren', 'Hoe lang we gegevens bewaren');
    const field = admin.getByLabel('Spreekuur-gesprekken (chat)').first();
    await admin.getByText('Aantal dagen, van 1 tot 3650. Nu: 30 dagen.').first().waitFor();
    await expectClean(admin, 'retention settings');
    await field.fill('5000');
    await admin.getByRole('button', { name: 'Opslaan', exact: true }).click();
    await admin
      .getByRole('status')
      .getByText(/Nog niet opgeslagen.*vul een heel aantal dagen in, van 1 tot 3650/)
      .waitFor();
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    await expectClean(admin, 'retention settings with an error');
    await field.fill('14');
    await admin.getByRole('button', { name: 'Opslaan', exact: true }).click();
    await admin.getByRole('status').getByText('Opgeslagen.').waitFor();
    await admin.getByText('Aantal dagen, van 1 tot 3650. Nu: 2 weken.').waitFor();
    // The team keeps its office-hour queue records shorter than the organisation.
    await admin.getByLabel('Wachtrij en vragen voor later').nth(1).fill('7');
    await admin.getByRole('button', { name: 'Opslaan voor Wijkteam' }).click();
    await admin.getByRole('status').getByText('Opgeslagen.').nth(1).waitFor();

    await openLink(admin, 'Logboek', 'Logboek');
    await admin.getByText('retention.changed').first().waitFor();
    await admin.getByText('retention.team_changed').first().waitFor();
    await expectClean(admin, 'the audit log');
  });

  it('an admin filters the audit log by kind, person and date, pages it, and downloads CSV', async () => {
    await admin.getByLabel('Soort').selectOption({ label: 'Bewaartermijnen' });
    await admin.getByRole('button', { name: 'Zoeken' }).click();
    await admin.getByText('retention.team_changed').first().waitFor();
    const actions = async () => admin.locator('ul.audit code').allInnerTexts();
    await expect.poll(async () => (await actions()).every((a) => a.startsWith('retention.'))).toBe(true);

    const csv = await downloaded(admin, 'Downloaden als CSV (voor Excel)');
    const lines = csv.body.toString('utf8').trim().split('\r\n');
    expect(lines[0]).toBe('at,action,actor_person_id,actor_device_id,subject_type,subject_id,details');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.slice(1).every((line) => line.split(',')[1]!.startsWith('retention.'))).toBe(true);
    expect(csv.body.toString('utf8')).not.toContain(question);

    await admin.getByLabel('Soort').selectOption({ label: 'Alles' });
    await admin.getByLabel('Persoon').selectOption({ label: 'Jan Privé (inwoner)' });
    const today = new Date();
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
    await admin.getByLabel('Vanaf datum').fill(day);
    await admin.getByLabel('Tot en met datum').fill(day);
    await admin.getByRole('button', { name: 'Zoeken' }).click();
    await admin.getByText('key_backup.stored').first().waitFor();
    await expect.poll(async () => (await actions()).includes('retention.changed')).toBe(false);
    await expectClean(admin, 'the audit log filtered');

    // Yesterday to the day before: nothing, and the dates the wrong way round are explained.
    await admin.getByLabel('Vanaf datum').fill(`${today.getFullYear() + 1}-01-02`);
    await admin.getByLabel('Tot en met datum').fill(`${today.getFullYear() + 1}-01-01`);
    await admin.getByRole('button', { name: 'Zoeken' }).click();
    await admin
      .getByRole('alert')
      .getByText('De datum "vanaf" moet vóór de datum "tot en met" liggen.')
      .waitFor();

    await admin.getByRole('button', { name: 'Switch to English' }).click();
    await admin.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
    await expectClean(admin, 'the audit log in English');
    await admin.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
  });

  it('a resident who lost their only phone gets a link code from the admin and restores the backup', async () => {
    await admin.getByRole('link', { name: /Terug|Back/ }).click();
    await admin.getByRole('button', { name: 'Jan Privé inwoner' }).click();
    await admin.getByRole('button', { name: 'Nieuw apparaat koppelen' }).click();
    await admin
      .getByText(
        'Geef deze code aan Jan Privé. Op de nieuwe telefoon opent Jan Privé de link en zet daarna de back-up terug met de herstelsleutel.',
      )
      .waitFor();
    const code = (await admin.getByTestId('link-for-code').textContent())!.trim();
    // The link leads to the link page (the deployment's public address; here the test server's).
    const href = await admin.getByRole('link', { name: /\/koppelen#/ }).getAttribute('href');
    expect(href).toMatch(new RegExp(`/koppelen#${code}$`));
    const link = `${suite.gateway.url}${new URL(href!).pathname}#${code}`;
    await admin
      .getByRole('img', { name: `QR-code met de koppellink voor Jan Privé. Of typ de code ${code}.` })
      .waitFor();
    await expectClean(admin, 'a link code for someone else');
    // The resident's worker can make one too, from the home page (a second code; this one stays unused).
    await worker.evaluate(() => {
      history.pushState(null, '', '/');
      dispatchEvent(new PopStateEvent('popstate'));
    });
    await worker.getByText('Telefoon kwijt? Nieuw apparaat voor een inwoner').click();
    await worker
      .getByRole('listitem')
      .filter({ hasText: 'Jan Privé' })
      .getByRole('button', { name: 'Nieuw apparaat koppelen' })
      .click();
    await worker.getByText(/^Geef deze code aan Jan Privé\./).waitFor();
    expect(await worker.getByTestId('link-for-code').textContent()).not.toBe(code);
    await expectClean(worker, 'a worker’s link code for a resident');

    // A fresh browser: nothing of the old phones, only the code and the recovery key.
    thirdPhone = await newPerson();
    await thirdPhone.goto(link);
    await thirdPhone.getByRole('heading', { name: 'Dit apparaat koppelen' }).waitFor();
    expect(await thirdPhone.getByLabel('Koppelcode').inputValue()).toBe(code);
    await thirdPhone.getByLabel('Koppelcode').press('Enter');
    await thirdPhone.getByText('Dit apparaat is gekoppeld').waitFor();
    problems.errors.length = 0; // (no device of theirs approves it: contacts see a new device; the trust feature's to test)
    await openLink(thirdPhone, 'Back-up en herstel', 'Back-up en herstel');
    await thirdPhone.getByLabel('Uw herstelsleutel').fill(recoveryKey);
    await thirdPhone.getByRole('button', { name: 'Terugzetten' }).click();
    await thirdPhone.getByText(/Klaar\. \d+ berichten zijn teruggezet\./).waitFor({ timeout: 60_000 });
    await openLink(thirdPhone, /Sanne \(wijkteam\)/, 'Gesprek met Sanne (wijkteam)');
    await thirdPhone.getByText(question).waitFor();
    await thirdPhone.getByText(answer).waitFor();
  });

  it('an admin erases the resident after typing the name', async () => {
    // The resident's devices stop existing; their pages would only retry signing in (docs/web.md, Limits).
    await resident.close();
    await newPhone.close();
    await thirdPhone.close();
    // (the admin is on the home page since the test before)
    await admin.getByRole('button', { name: 'Jan Privé inwoner' }).click();
    await admin.getByRole('link', { name: 'Gegevens wissen: Jan Privé' }).click();
    await admin.getByRole('heading', { name: 'Gegevens van Jan Privé wissen', level: 1 }).waitFor();
    await expectClean(admin, 'erasing a person');
    await admin.getByLabel('Typ de naam om te bevestigen: Jan Privé').fill('Jan');
    await admin.getByRole('button', { name: 'Definitief wissen' }).click();
    await admin.getByRole('alert').getByText('De naam klopt niet. Typ precies: Jan Privé').waitFor();
    await admin.getByLabel('Typ de naam om te bevestigen: Jan Privé').fill('Jan Privé');
    await admin.getByRole('button', { name: 'Definitief wissen' }).click();
    await admin
      .getByRole('status')
      .getByText(/Jan Privé is gewist: 3 apparaten/)
      .waitFor();
    await expectClean(admin, 'after erasing a person');
  });
});
