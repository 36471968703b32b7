/**
 * `pnpm --filter @spreekuur/web bench`: how long a resident waits for a usable chat screen on a
 * slow phone: Chromium's CPU throttled 4× and DevTools' "Slow 3G" profile (2,000 ms round trip,
 * 400 kbit/s each way). Prints three figures, median of a few runs each:
 *   - first visit: an invite link opened with nothing cached, until the join form can be used;
 *   - returning, cold: a registered device opens its chat with the HTTP cache and the service
 *     worker's cache emptied, until the last message shows;
 *   - returning, warm: the same with the app shell in the service worker's cache (usual case).
 * A real gateway on the embedded backends; a Node SDK device plays the worker.
 */
import { MemoryStore, SpreekuurClient } from '@spreekuur/client';
import {
  createOrganisation,
  expectOk,
  invite,
  registerAndLogin,
  startGateway,
} from '@spreekuur/gateway/testing';
import { ensureBuilt } from '../scripts/ensure-built.ts';
import { launch, type BrowserContext, type Page } from '../test/browser.ts';

const RUNS = Number(process.env.RUNS ?? 3);
const SLOW_3G = { offline: false, latency: 2_000, downloadThroughput: 50_000, uploadThroughput: 50_000 };

async function throttled(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', SLOW_3G);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return page;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

await ensureBuilt();
const gateway = await startGateway({ env: { LOG_LEVEL: 'warn' } });
const browser = await launch();
try {
  const { adminInvite } = await createOrganisation(gateway, 'bench');
  const admin = await registerAndLogin(gateway, adminInvite.code, 'Beheerder');
  const team = await expectOk<{ id: string }>(gateway, admin, 'POST', '/v1/teams', { name: 'Wijkteam' }, 201);
  const worker = await SpreekuurClient.register({
    serverUrl: gateway.url,
    store: new MemoryStore(),
    inviteCode: await invite(gateway, admin, 'worker', team.id),
    displayName: 'Sanne',
    deviceName: 'bench',
  });
  await worker.connect();
  worker.on('message', (message) => {
    if (!message.own) void worker.sendText(message.channelId, 'Dag! Stuur de brief maar.');
  });

  const firstVisit: number[] = [];
  const cold: number[] = [];
  const warm: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const code = await invite(
      gateway,
      { token: await worker.accessToken().then((t) => t.token) },
      'resident',
      team.id,
    );
    const context = await browser.newContext();

    // First visit, nothing cached.
    const visit = await throttled(context);
    let start = Date.now();
    await visit.goto(`${gateway.url}/join#${code}`, { waitUntil: 'commit', timeout: 120_000 });
    await visit.getByLabel('Uw naam').waitFor({ timeout: 120_000 });
    firstVisit.push(Date.now() - start);
    await visit.close();

    // Register and start the chat at full speed.
    const setup = await context.newPage();
    await setup.goto(`${gateway.url}/join#${code}`);
    await setup.getByLabel('Uw naam').fill('Jan');
    await setup.getByRole('button', { name: 'Verder' }).click();
    await setup.getByRole('button', { name: 'Sanne' }).click();
    await setup.getByLabel('Uw bericht').fill('Ik heb een vraag over mijn brief');
    await setup.keyboard.press('Enter');
    await setup.getByText('Dag! Stuur de brief maar.').waitFor();
    const chatUrl = setup.url();
    await setup.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await setup.close();

    for (const [kind, figures] of [
      ['cold', cold],
      ['warm', warm],
    ] as const) {
      const page = await throttled(context);
      if (kind === 'cold') {
        const cdp = await context.newCDPSession(page);
        await cdp.send('Network.clearBrowserCache');
        await cdp.send('Storage.clearDataForOrigin', {
          origin: gateway.url,
          storageTypes: 'cache_storage,service_workers',
        });
      }
      start = Date.now();
      await page.goto(chatUrl, { waitUntil: 'commit', timeout: 120_000 });
      await page.getByText('Dag! Stuur de brief maar.').waitFor({ timeout: 120_000 });
      figures.push(Date.now() - start);
      await page.close();
      if (kind === 'cold') {
        // Let the service worker install again before the warm run.
        const again = await context.newPage();
        await again.goto(chatUrl);
        await again.evaluate(async () => {
          await navigator.serviceWorker.ready;
        });
        await again.getByText('Dag! Stuur de brief maar.').waitFor();
        await again.close();
      }
    }
    await context.close();
  }
  const seconds = (values: number[]) =>
    `${(median(values) / 1000).toFixed(1)} s (runs: ${values.map((v) => (v / 1000).toFixed(1)).join(', ')})`;
  console.log(`CPU 4× slower, Slow 3G (2,000 ms RTT, 400 kbit/s), ${RUNS} runs, median:`);
  console.log(`  first visit, join form usable:       ${seconds(firstVisit)}`);
  console.log(`  returning, nothing cached, chat shown: ${seconds(cold)}`);
  console.log(`  returning, app shell cached, chat shown: ${seconds(warm)}`);
  await worker.close();
} finally {
  await browser.close();
  await gateway.close();
}
