/**
 * Browser suites in the system Chromium (/usr/bin/chromium, or $CHROMIUM_PATH) through
 * playwright-core: nothing is downloaded. A suite's entry is bundled with esbuild and served to
 * the page by request interception, so no port is opened for it.
 */
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

export type { Browser, Page } from 'playwright-core';

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Bundles a browser entry (TypeScript, ESM) into one script. */
export async function bundleForBrowser(entry: URL): Promise<string> {
  const bundle = await build({
    entryPoints: [entry.pathname],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'warning',
  });
  return bundle.outputFiles[0]!.text;
}

/** Launches Chromium, runs the suite and closes the browser; resolves with what `run` reports (passed or not). */
export async function runInChromium(
  run: (browser: Browser) => Promise<boolean>,
  options: { args?: string[] } = {},
): Promise<boolean> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...FLAGS, ...(options.args ?? [])],
  });
  try {
    return await run(browser);
  } finally {
    await browser.close();
  }
}

/**
 * A page at `base` (an http URL ending in `/`) that loads `script` as a module, both served by
 * request interception; what the page logs and every error is printed here.
 */
export async function openTestPage(
  browser: Browser,
  options: { base: string; script: string; title: string; lang?: string; hash?: string },
): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (message) => console.log(`  [browser ${message.type()}] ${message.text()}`));
  page.on('pageerror', (error) => console.error(`  [browser error] ${error.message}`));
  page.on('requestfailed', (request) =>
    console.error(`  [request failed] ${request.url()} ${request.failure()?.errorText}`),
  );
  const root = new URL(options.base).pathname;
  const html =
    `<!doctype html><html${options.lang ? ` lang="${options.lang}"` : ''}><meta charset="utf-8">` +
    `<title>${options.title}</title><script type="module" src="${root}suite.js"></script></html>`;
  await page.route(`${options.base}**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === root) await route.fulfill({ contentType: 'text/html', body: html });
    else if (path === `${root}suite.js`)
      await route.fulfill({ contentType: 'text/javascript', body: options.script });
    else await route.fulfill({ status: 404, body: '' });
  });
  await page.goto(`${options.base}${options.hash ? `#${options.hash}` : ''}`);
  return page;
}

/** Waits until the page has set `globalThis[name]`, and returns it. */
export async function pageResult<T>(page: Page, name: string, timeoutMs: number): Promise<T> {
  const handle = await page.waitForFunction((key) => (globalThis as Record<string, unknown>)[key], name, {
    timeout: timeoutMs,
  });
  return (await handle.jsonValue()) as T;
}
