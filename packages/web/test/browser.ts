/**
 * What the web app's browser suites share: the system Chromium through playwright-core, pages
 * that record every console error, failed request and CSP violation, and axe-core run inside
 * the page (evaluated through the DevTools protocol, so the app's CSP stays as it is).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export type { Browser, BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
}

/** Problems a page reported: each one fails the suite. */
export interface PageProblems {
  errors: string[];
}

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** A page that keeps every console error, page error, failed request and CSP violation. */
export async function watchedPage(context: BrowserContext, problems: PageProblems): Promise<Page> {
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.__cspViolations!.push(
        `${event.violatedDirective} ${event.blockedURI} at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}`,
      ),
    );
  });
  page.on('console', (message) => {
    if (message.type() === 'error') problems.errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.errors.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      problems.errors.push(
        `HTTP ${response.status()} ${response.url()} ${response.request().postData() ?? ''}`,
      );
    }
  });
  return page;
}

export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => window.__cspViolations ?? []);
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.1 A and AA violations on the page as it is now (rule id and the first element). */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(`${axeSource};0`);
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResult> } }
    ).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations.map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ') ?? ''} (${v.help})`);
  });
}

interface AxeResult {
  violations: Array<{ id: string; help: string; nodes: Array<{ target: string[] }> }>;
}

const SHOTS = new URL('../test-results/screenshots/', import.meta.url);

/** Screenshots at a phone (360 × 740) and a desktop (1280 × 800) size, into test-results/ (not committed). */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const size = page.viewportSize();
  for (const [width, height] of [
    [360, 740],
    [1280, 800],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: new URL(`${name}-${width}.png`, SHOTS).pathname });
  }
  if (size) await page.setViewportSize(size);
}
