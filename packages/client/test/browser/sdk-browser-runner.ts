/**
 * `pnpm --filter @spreekuur/client test:browser`: the client SDK in a real browser.
 * Starts a gateway (embedded, or the real backends when DATABASE_URL/REDIS_URL are set),
 * bundles test/browser/sdk-entry.ts, opens it in Chromium on the gateway's own origin (the
 * page is injected by request interception), and has a Node SDK client answer it. Exits
 * non-zero on any failure.
 */
import { createHash, randomBytes } from 'node:crypto';
import { invite, seedOrganisation, startGateway } from '@spreekuur/gateway/testing';
import { bundleForBrowser, openTestPage, pageResult, runInChromium } from '@spreekuur/testing/chromium';
import { MemoryStore, SpreekuurClient } from '../../src/index.ts';

const script = await bundleForBrowser(new URL('./sdk-entry.ts', import.meta.url));
console.log(`bundled the SDK for the browser: ${(script.length / 1024).toFixed(0)} KiB`);

const gateway = await startGateway({ env: { LOG_LEVEL: 'warn' } });
let passed = false;
try {
  passed = await runInChromium(
    async (browser) => {
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
                worker.sendFile(message.channelId, document, {
                  name: 'uitleg.pdf',
                  mimeType: 'application/pdf',
                }),
              )
              .catch(reject);
          } else if (message.content?.type === 'file') {
            worker.downloadFile(message.content).then(resolve, reject);
          }
        });
      });

      const params = {
        inviteCode: await invite(gateway, org.worker, 'resident', org.team.id),
        peerPersonId: worker.account.personId,
      };
      const page = await openTestPage(browser, {
        base: `${gateway.url}/__sdk-test/`,
        script,
        title: 'SDK',
        lang: 'nl',
        hash: encodeURIComponent(JSON.stringify(params)),
      });
      const result = await pageResult<{ ok: boolean; steps: string[]; error?: string }>(
        page,
        '__sdkResult',
        60_000,
      );
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
        [
          'the browser decrypted the Node peer’s file byte for byte',
          fileStep?.endsWith(expectedDigest) ?? false,
        ],
        [
          'the Node peer decrypted the browser’s Blob byte for byte',
          fromBrowser?.length === 300_000 && fromBrowser.every((byte) => byte === 7),
        ],
      ] as const;
      for (const [name, ok] of checks) console.log(`  ${ok ? '✓' : '✗'} ${name}`);
      const allPassed = checks.every(([, ok]) => ok);
      console.log(allPassed ? 'SDK browser suite passed in Chromium' : 'SDK browser suite FAILED');
      await worker.close();
      return allPassed;
    },
    {
      // The page is injected by request interception, which Chromium treats as a public origin
      // and so blocks its WebSocket to 127.0.0.1; a page really served by the gateway is not.
      args: ['--disable-features=LocalNetworkAccessChecks'],
    },
  );
} finally {
  await gateway.close();
}
process.exit(passed ? 0 : 1);
