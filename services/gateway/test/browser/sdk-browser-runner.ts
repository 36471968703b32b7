/**
 * `pnpm --filter @spreekuur/gateway test:browser`: the client SDK in a real browser.
 * Starts a gateway (embedded, or the real backends when DATABASE_URL/REDIS_URL are set),
 * bundles test/browser/sdk-entry.ts with esbuild, opens it in the system Chromium on the
 * gateway's own origin (the page is injected by request interception), and has a Node SDK
 * client answer it. Exits non-zero on any failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { MemoryStore, SpreekuurClient } from '@spreekuur/client';
import { seedOrganisation, startGateway, type TestGateway } from '../harness.ts';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const bundle = await build({
  entryPoints: [new URL('./sdk-entry.ts', import.meta.url).pathname],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const script = bundle.outputFiles[0]!.text;
console.log(`bundled the SDK for the browser: ${(script.length / 1024).toFixed(0)} KiB`);

const invite = async (gateway: TestGateway, as: { token: string }, role: string, teamId: string) =>
  (
    await gateway.app.inject({
      method: 'POST',
      url: '/v1/invites',
      headers: { authorization: `Bearer ${as.token}` },
      payload: { role, teamId },
    })
  ).json<{ code: string }>().code;

const gateway = await startGateway({ env: { LOG_LEVEL: 'warn' } });
const browser = await chromium.launch({
  executablePath,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    // The page is injected by request interception, which Chromium treats as a public origin
    // and so blocks its WebSocket to 127.0.0.1; a page really served by the gateway is not.
    '--disable-features=LocalNetworkAccessChecks',
  ],
});
let failed = true;
try {
  const org = await seedOrganisation(gateway, 'browser-sdk');
  const worker = await SpreekuurClient.register({
    serverUrl: gateway.url,
    store: new MemoryStore(),
    inviteCode: await invite(gateway, org.admin, 'worker', org.team.id),
    displayName: 'Node-medewerker',
    deviceName: 'Node',
  });
  await worker.connect();
  const document = randomBytes(200_000);
  const received = new Promise<Uint8Array>((resolve, reject) => {
    worker.on('message', (message) => {
      if (message.own) return;
      if (message.content?.type === 'text') {
        void worker
          .sendText(message.channelId, `Goed ontvangen: "${message.content.text}"`)
          .then(() =>
            worker.sendFile(message.channelId, document, { name: 'uitleg.pdf', mimeType: 'application/pdf' }),
          )
          .catch(reject);
      } else if (message.content?.type === 'file') {
        worker.downloadFile(message.content).then(resolve, reject);
      }
    });
  });

  const page = await browser.newPage();
  page.on('console', (message) => console.log(`  [browser ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.error(`  [browser error] ${error.message}`));
  page.on('requestfailed', (request) =>
    console.error(`  [request failed] ${request.url()} ${request.failure()?.errorText}`),
  );
  await page.route(`${gateway.url}/__sdk-test/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/__sdk-test/') {
      await route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><html lang="nl"><meta charset="utf-8"><title>SDK</title><script type="module" src="/__sdk-test/sdk.js"></script></html>',
      });
    } else {
      await route.fulfill({ contentType: 'text/javascript', body: script });
    }
  });
  const params = {
    inviteCode: await invite(gateway, org.worker, 'resident', org.team.id),
    peerPersonId: worker.account.personId,
  };
  await page.goto(`${gateway.url}/__sdk-test/#${encodeURIComponent(JSON.stringify(params))}`);
  const handle = await page.waitForFunction(
    () => (globalThis as { __sdkResult?: unknown }).__sdkResult,
    null,
    { timeout: 60_000 },
  );
  const result = (await handle.jsonValue()) as { ok: boolean; steps: string[]; error?: string };
  for (const step of result.steps) console.log(`  ✓ ${step}`);
  if (result.error) console.log(`  ✗ ${result.error}`);

  const expectedDigest = createHash('sha256').update(document).digest('hex');
  const fileStep = result.steps.find((step) => step.startsWith('file uitleg.pdf'));
  const fromBrowser = await Promise.race([
    received,
    new Promise<null>((resolve) => setTimeout(() => resolve(null), 20_000)),
  ]);
  const checks = [
    [
      'the browser registered, sent and received text',
      result.ok && result.steps.some((s) => s.startsWith('received: Goed ontvangen')),
    ],
    ['the browser decrypted the Node peer’s file byte for byte', fileStep?.endsWith(expectedDigest) ?? false],
    [
      'the Node peer decrypted the browser’s Blob byte for byte',
      fromBrowser?.length === 300_000 && fromBrowser.every((byte) => byte === 7),
    ],
  ] as const;
  for (const [name, ok] of checks) console.log(`  ${ok ? '✓' : '✗'} ${name}`);
  failed = checks.some(([, ok]) => !ok);
  console.log(failed ? 'SDK browser suite FAILED' : 'SDK browser suite passed in Chromium');
  await worker.close();
} finally {
  await browser.close();
  await gateway.close();
}
process.exit(failed ? 1 : 0);
