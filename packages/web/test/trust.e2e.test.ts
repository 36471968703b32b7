/**
 * Trust and devices in Chromium against a real gateway (issue 9 "Everyone", issue 14): a worker
 * and a resident chat; they compare safety numbers (both pages show the same digits) and the
 * worker marks the resident verified; the resident links a second device (another browser
 * context) and approves it from the first, which sends it the earlier messages; the worker sees a "new device" notice; the resident
 * signs the second device out. Every new page and dialog is checked for CSP violations, console
 * errors and WCAG 2.1 A/AA (axe), in Dutch and once in English; the main actions by keyboard; 320 px.
 */
import { invite } from '@spreekuur/gateway/testing';
import { expect, it } from 'vitest';
import { describeInBrowser, useWebSuite } from './app-fixture.ts';
import { screenshots, type Page } from './browser.ts';

type Locator = ReturnType<Page['locator']>;

/** Presses Tab until `target` has the focus: proves it is reachable by keyboard alone. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el) => el === document.activeElement)) return;
  }
  throw new Error(`not reachable by Tab: ${String(target)}`);
}

async function fitsIn320(page: Page): Promise<void> {
  await page.setViewportSize({ width: 320, height: 640 });
  const { width, widest } = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth,
    // What sticks out, to say where when it fails.
    widest: [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > 320 || el.scrollWidth > el.clientWidth + 1)
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${el.className} ${Math.round(el.getBoundingClientRect().right)} ${el.scrollWidth}/${el.clientWidth}`,
      )
      .slice(0, 5),
  }));
  expect(width, `wider than 320 px: ${widest.join(', ')}`).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1280, height: 800 });
}

describeInBrowser('trust and devices in Chromium', { timeout: 60_000 }, () => {
  const suite = useWebSuite('web-trust');
  const { problems, newPerson, expectClean, joinWith } = suite;
  let worker: Page;
  let resident: Page;
  let tablet: Page;
  let workerDigits = '';

  const digitsOn = async (page: Page) =>
    (await page.getByTestId('safety-number').locator('.digits').innerText()).replace(/\s+/g, ' ').trim();

  it('a worker and a resident chat', async () => {
    worker = await newPerson();
    await joinWith(worker, await suite.workerInvite(), 'Sanne');
    resident = await newPerson();
    await joinWith(
      resident,
      await invite(suite.gateway, suite.org.admin, 'resident', suite.org.team.id),
      'Jan',
    );
    await resident.getByRole('button', { name: 'Sanne' }).click();
    await resident.getByRole('heading', { name: 'Gesprek met Sanne' }).waitFor();
    await resident.getByLabel('Uw bericht').fill('Goedemorgen Sanne');
    await resident.keyboard.press('Enter');
    await worker.getByRole('link', { name: /Jan/ }).click();
    await worker.getByText('Goedemorgen Sanne').waitFor();
    await worker.getByLabel('Uw bericht').fill('Dag Jan');
    await worker.keyboard.press('Enter');
    await resident.getByText('Dag Jan').waitFor();
  });

  it('both see the same safety number; the worker compares it and marks Jan verified by keyboard', async () => {
    // The worker comes from the people list on "Mijn apparaten en veiligheid".
    await worker.getByRole('link', { name: /Terug/ }).click();
    await worker.getByRole('link', { name: 'Mijn apparaten en veiligheid' }).click();
    await worker.getByRole('heading', { name: 'Mijn apparaten' }).waitFor();
    await worker.getByText('(dit apparaat)').waitFor();
    await expectClean(worker, 'my devices');
    await worker.getByRole('link', { name: 'Veiligheidsnummer van Jan' }).click();
    await worker.getByRole('heading', { name: 'Veiligheidsnummer met Jan' }).waitFor();
    await worker.getByTestId('safety-number').waitFor();
    workerDigits = await digitsOn(worker);
    expect(workerDigits).toMatch(/^(\d{5} ){11}\d{5}$/);
    await worker.getByText('Nog niet gecontroleerd.').waitFor();
    await expectClean(worker, 'the safety number page');

    // The resident comes from the conversation header.
    await resident.getByRole('link', { name: 'Veiligheidsnummer' }).click();
    await resident.getByRole('heading', { name: 'Veiligheidsnummer met Sanne' }).waitFor();
    await resident.getByTestId('safety-number').waitFor();
    expect(await digitsOn(resident)).toBe(workerDigits);
    await expect(
      resident.getByRole('img', { name: /QR-code met het veiligheidsnummer/ }).count(),
    ).resolves.toBe(1);
    await screenshots(resident, 'trust-safety-number');

    const verify = worker.getByRole('button', { name: 'Gelijk: markeer als gecontroleerd' });
    await tabTo(worker, verify);
    await worker.keyboard.press('Enter');
    await worker.getByText('U heeft dit nummer met Jan vergeleken. Het was gelijk.').waitFor();
    await verify.waitFor({ state: 'detached' });
    await expectClean(worker, 'the safety number page, verified');

    // Back in the conversation: the mark beside Jan's name.
    await worker.getByRole('link', { name: /Terug/ }).click();
    await worker.getByRole('heading', { name: /Gesprek met Jan.*Gecontroleerd/ }).waitFor();
    await expectClean(worker, 'the conversation with a verified contact');
  });

  it('the resident links a second device with a code and approves it from the first, by keyboard', async () => {
    await resident.getByRole('link', { name: /Terug/ }).click(); // to the conversation
    await resident.getByRole('link', { name: /Terug/ }).click(); // home
    await resident.getByRole('link', { name: 'Mijn apparaten en veiligheid' }).click();
    await resident.getByRole('heading', { name: 'Mijn apparaten' }).waitFor();
    await expect.poll(() => resident.getByTestId('device').count(), { timeout: 15_000 }).toBe(1);
    const make = resident.getByRole('button', { name: 'Koppelcode maken' });
    await tabTo(resident, make);
    await resident.keyboard.press('Enter');
    const code = (await resident.getByTestId('link-code').innerText()).trim();
    expect(code).toMatch(/^[0-9A-Z-]{16,19}$/);
    await resident.getByRole('img', { name: /QR-code om het nieuwe apparaat te koppelen/ }).waitFor();
    await expectClean(resident, 'a link code with its QR code');
    await screenshots(resident, 'trust-link-code');

    // The QR code's link fills in the code on the new device.
    tablet = await newPerson();
    await tablet.goto(`${suite.gateway.url}/koppelen#${code}`);
    await tablet.getByRole('heading', { name: 'Dit apparaat koppelen' }).waitFor();
    expect(await tablet.getByLabel('Koppelcode').inputValue()).toBe(code);
    // Or: from the join page, by keyboard.
    await tablet.goto(`${suite.gateway.url}/join`);
    const entry = tablet.getByRole('link', { name: 'Dit apparaat koppelen' });
    await tabTo(tablet, entry);
    await tablet.keyboard.press('Enter');
    await tablet.getByRole('heading', { name: 'Dit apparaat koppelen' }).waitFor();
    await expectClean(tablet, 'the link form');
    await tablet.getByLabel('Koppelcode').fill(code);
    await tablet.keyboard.press('Enter');
    await tablet.getByRole('heading', { name: 'Mijn apparaten' }).waitFor();
    await tablet.getByText('Dit apparaat is gekoppeld').waitFor();
    await expectClean(tablet, 'the linked device waiting for approval');

    const dialog = resident.getByRole('dialog', { name: 'Een nieuw apparaat wil meedoen' });
    await dialog.getByText(/Een nieuw apparaat wil meedoen: Chrome \(web\), .+\. Is dit van u\?/).waitFor();
    await expectClean(resident, 'the approval dialog');
    await screenshots(resident, 'trust-approve');
    // Escape puts the question off; the device's row asks again.
    await resident.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await tabTo(resident, resident.getByRole('button', { name: 'Is Chrome (web) van u? Nu kiezen' }));
    await resident.keyboard.press('Enter');
    await dialog.waitFor();
    // The first answer has the focus: Enter says yes.
    expect(
      await dialog
        .getByRole('button', { name: 'Ja, dit is van mij' })
        .evaluate((el) => el === document.activeElement),
    ).toBe(true);
    await resident.keyboard.press('Enter');
    await resident.getByText('Chrome (web) doet nu mee.').waitFor();
    // The first device sends the new one its history (packages/crypto SPEC §15.2).
    await resident.getByText('Geschiedenis verstuurd naar het nieuwe apparaat.').waitFor();
    await expect.poll(() => resident.getByTestId('device').count(), { timeout: 15_000 }).toBe(2);
    await tablet.getByText('Dit apparaat is gekoppeld').waitFor({ state: 'detached' });
  });

  it('the linked device gets the messages from before it was linked from the first device', async () => {
    await tablet
      .getByText('Uw eerdere gesprekken staan nu ook op dit apparaat.')
      .waitFor({ timeout: 45_000 });
    await expectClean(tablet, 'the history arrived on the linked device');
    await tablet.getByRole('link', { name: /Terug/ }).click();
    await tablet.getByRole('link', { name: /Sanne/ }).click();
    await tablet.getByRole('heading', { name: 'Gesprek met Sanne' }).waitFor();
    // Sent before the tablet existed: readable only through the transfer.
    await tablet.getByText('Goedemorgen Sanne').waitFor();
    await tablet.getByText('Dag Jan').waitFor();
    await tablet.getByRole('link', { name: /Terug/ }).click();
  });

  it('the worker sees that Jan uses a new device, and reads what it sends', async () => {
    await tablet.getByRole('link', { name: /Sanne/ }).click();
    await tablet.getByLabel('Uw bericht').fill('Nu ook op mijn tablet');
    await tablet.keyboard.press('Enter');

    await worker.getByText('Nu ook op mijn tablet').waitFor();
    const notice = worker.getByRole('status').filter({ hasText: 'Let op: Jan gebruikt een nieuw apparaat.' });
    await notice.waitFor();
    // A new device ends the verification: compare again to be sure.
    await worker.getByRole('heading', { name: /Gecontroleerd/ }).waitFor({ state: 'detached' });
    await expectClean(worker, 'the new-device notice');
    await screenshots(worker, 'trust-new-device');
    await notice.getByRole('button', { name: 'Bekijk veiligheidsnummer' }).click();
    await worker.getByRole('heading', { name: 'Veiligheidsnummer met Jan' }).waitFor();
    // One number per device of Jan's: the phone and the tablet.
    await expect.poll(() => worker.getByTestId('safety-number').count(), { timeout: 15_000 }).toBe(2);
    await fitsIn320(worker);
    await worker.getByRole('link', { name: /Terug/ }).click();
    await notice.getByRole('button', { name: 'Accepteren' }).click();
    await notice.waitFor({ state: 'detached' });

    // The worker's answer reaches the approved tablet too.
    await worker.getByLabel('Uw bericht').fill('Welkom, tablet');
    await worker.keyboard.press('Enter');
    await tablet.getByText('Welkom, tablet').waitFor();
  });

  it('the trust pages in English, and at 320 px wide', async () => {
    await resident.getByRole('button', { name: 'Switch to English' }).click();
    await resident.getByRole('heading', { name: 'My devices' }).waitFor();
    await expectClean(resident, 'my devices in English');
    await fitsIn320(resident);
    await resident.getByRole('link', { name: 'Safety number of Sanne' }).click();
    await resident.getByRole('heading', { name: 'Safety number with Sanne' }).waitFor();
    await resident.getByTestId('safety-number').waitFor();
    await expectClean(resident, 'the safety number page in English');
    await fitsIn320(resident);
    await resident.getByRole('button', { name: 'Schakel naar Nederlands' }).click();
    await resident.getByRole('heading', { name: 'Veiligheidsnummer met Sanne' }).waitFor();
    await fitsIn320(worker);
  });

  it('a key swapped by the server: a warning, the message waits and says why, and goes after accepting', async () => {
    // The server (the database here) swaps the keys and prekeys of Jan's phone and tablet: the
    // identity swap of issue 14. Sanne's app sees other keys than the ones it pinned.
    const db = suite.gateway.db;
    const { rows } = await db.query<{ id: string }>(
      `SELECT d.id FROM devices d JOIN people p ON p.id = d.person_id
        WHERE p.display_name = 'Jan' AND d.revoked_at IS NULL ORDER BY d.created_at`,
    );
    const [phone, other] = rows.map((row) => row.id) as [string, string];
    const columns = [
      'signed_prekey_id',
      'signed_prekey',
      'signed_prekey_signature',
      'kem_prekey_id',
      'kem_prekey',
      'kem_prekey_signature',
    ];
    const swapKeys = async () => {
      const keys = await db.query<{ id: string; identity_key: Uint8Array }>(
        `SELECT id, identity_key FROM devices WHERE id = ANY($1::uuid[])`,
        [[phone, other]],
      );
      const prekeys = await db.query<Record<string, unknown>>(
        `SELECT device_id, ${columns.join(', ')} FROM device_signed_prekeys WHERE device_id = ANY($1::uuid[])`,
        [[phone, other]],
      );
      const keyOf = (id: string) => keys.rows.find((row) => row.id === id)!.identity_key;
      const prekeysOf = (id: string) => prekeys.rows.find((row) => row.device_id === id)!;
      // identity_key is unique: through a placeholder.
      await db.query(`UPDATE devices SET identity_key = $2 WHERE id = $1`, [phone, new Uint8Array(32)]);
      await db.query(`UPDATE devices SET identity_key = $2 WHERE id = $1`, [other, keyOf(phone)]);
      await db.query(`UPDATE devices SET identity_key = $2 WHERE id = $1`, [phone, keyOf(other)]);
      for (const [to, from] of [
        [phone, other],
        [other, phone],
      ] as const) {
        await db.query(
          `UPDATE device_signed_prekeys SET ${columns.map((c, i) => `${c} = $${i + 2}`).join(', ')} WHERE device_id = $1`,
          [to, ...columns.map((c) => prekeysOf(from)[c])],
        );
      }
      await db.query(`DELETE FROM device_one_time_prekeys WHERE device_id = ANY($1::uuid[])`, [
        [phone, other],
      ]);
    };
    await swapKeys();

    // Looking at the safety number makes the app ask for Jan's devices again.
    await worker.getByRole('link', { name: 'Veiligheidsnummer' }).click();
    await worker.getByText('De sleutel van Jan is veranderd.').waitFor();
    await expectClean(worker, 'the safety number page with a changed key');
    await worker.getByRole('link', { name: /Terug/ }).click();
    const alert = worker
      .getByRole('alert')
      .filter({ hasText: 'Let op: het veiligheidsnummer van Jan is veranderd.' });
    await alert.waitFor();
    await alert.getByText('Uw berichten aan Jan wachten tot u de nieuwe sleutel accepteert.').waitFor();
    const held = 'Klopt het adres nog?';
    await worker.getByLabel('Uw bericht').fill(held);
    await worker.keyboard.press('Enter');
    await worker
      .locator('li.pending', { hasText: held })
      .getByText('Niet verstuurd: accepteer eerst de nieuwe sleutel')
      .waitFor();
    await expectClean(worker, 'the key-change warning with a held message');
    await screenshots(worker, 'trust-key-changed');

    // Accepting (by keyboard) sends the held message (the server stored it: it has a mark), to the
    // keys Sanne accepted.
    await tabTo(worker, alert.getByRole('button', { name: 'Accepteren' }));
    await worker.keyboard.press('Enter');
    await alert.waitFor({ state: 'detached' });
    await worker
      .locator('li.own:not(.pending)', { hasText: held })
      .getByText(/^(Verstuurd|Ontvangen|Gelezen)$/)
      .waitFor()
      .catch(async (error: unknown) => {
        const shown = await worker.locator('li.own', { hasText: held }).allInnerTexts();
        throw new Error(`${String(error)}\nshown: ${shown.join(' | ')}\n${problems.errors.join('\n')}`);
      });

    // The server lists the real keys again (so Jan's devices sign in as before).
    await swapKeys();
  });

  it('the resident signs the tablet out after a question; the tablet says so', async () => {
    await resident.getByRole('link', { name: /Terug/ }).click();
    await resident.getByRole('link', { name: /Terug/ }).click();
    await resident.getByRole('link', { name: 'Mijn apparaten en veiligheid' }).click();
    await resident.getByRole('button', { name: 'Afmelden: Chrome (web)' }).click();
    const dialog = resident.getByRole('dialog', { name: 'Apparaat afmelden?' });
    await dialog.getByText('Wilt u Chrome (web) afmelden?').waitFor();
    await expectClean(resident, 'the sign-out question');
    // "Nee, terug" (Escape) keeps the device.
    await resident.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => resident.getByTestId('device').count(), { timeout: 15_000 }).toBe(2);
    await resident.getByRole('button', { name: 'Afmelden: Chrome (web)' }).click();
    await dialog.getByRole('button', { name: 'Ja, afmelden' }).click();
    await resident.getByText('Chrome (web) is afgemeld.').waitFor();
    await expect.poll(() => resident.getByTestId('device').count(), { timeout: 15_000 }).toBe(1);
    await tablet.getByText('Dit apparaat is afgemeld').waitFor();
    // The signed-out tablet's last requests were refused: that is what revoking means.
    expect(problems.errors.filter((e) => !/HTTP 401|status of 401/.test(e))).toEqual([]);
    problems.errors.length = 0;
  });
});
