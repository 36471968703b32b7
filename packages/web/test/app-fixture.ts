/**
 * One set-up for every browser suite of the web app: a real gateway (embedded, or PostgreSQL +
 * Redis when DATABASE_URL/REDIS_URL are set), Chromium, and an organisation with an admin (made
 * through the API, outside the team) and a team open around the clock. People of the team come
 * in through the app itself (`joinWith`), so every device publishes its keys as a real one does.
 */
import {
  createOrganisation,
  expectOk,
  invite,
  registerAndLogin,
  startGateway,
  type Actor,
  type TestGateway,
} from '@spreekuur/gateway/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect } from 'vitest';
import { ensureBuilt } from '../scripts/ensure-built.ts';
import {
  axeViolations,
  cspViolations,
  hasChromium,
  launch,
  watchedPage,
  type Browser,
  type BrowserContext,
  type Page,
  type PageProblems,
} from './browser.ts';

// CI must run these suites; a developer without Chromium gets them skipped, not failed.
export const describeInBrowser = hasChromium || process.env.CI ? describe : describe.skip;

export interface WebSuite {
  gateway: TestGateway;
  /** The built app the gateway serves (packages/web/dist). */
  dist: string;
  browser: Browser;
  org: { id: string; admin: Actor; team: { id: string } };
  /** Console errors and failed requests of every page opened with `newPerson`. */
  problems: PageProblems;
  /** A new browser context (its own IndexedDB: a device of its own), Dutch, 1280 × 800. */
  newPerson(): Promise<Page>;
  /** No CSP violation, no WCAG 2.1 A/AA violation, no console error on this page now. */
  expectClean(page: Page, where: string): Promise<void>;
  /** Opens an invite link, chooses the name and waits for the home screen. */
  joinWith(page: Page, code: string, name: string): Promise<void>;
  /** An invite code for a worker of the team, made by the admin through the API. */
  workerInvite(): Promise<string>;
  /** An invite code for another admin of the organisation (the operator's API), to join in the app. */
  adminInvite(): Promise<string>;
}

/**
 * Registers the suite's beforeAll/afterAll; call it at the top of a `describeInBrowser` block.
 * The returned object's fields are filled in before the first test runs.
 */
export function useWebSuite(slug: string, env: Record<string, string> = {}): WebSuite {
  const contexts: BrowserContext[] = [];
  const problems: PageProblems = { errors: [] };
  const suite = { problems } as WebSuite;

  beforeAll(async () => {
    suite.dist = await ensureBuilt();
    suite.gateway = await startGateway({ env: { LOG_LEVEL: 'info', ...env } });
    suite.browser = await launch();
    const { organisation, adminInvite } = await createOrganisation(suite.gateway, slug);
    const admin = await registerAndLogin(suite.gateway, adminInvite.code, 'Beheerder');
    const team = await expectOk<{ id: string }>(
      suite.gateway,
      admin,
      'POST',
      '/v1/teams',
      { name: 'Wijkteam' },
      201,
    );
    suite.org = { id: organisation.id, admin, team };
    // The team is open around the clock, so the queue is live whenever the suite runs.
    const allDay = [{ start: '00:00', end: '24:00' }];
    const days = Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((d) => [d, allDay]),
    );
    await expectOk(suite.gateway, admin, 'PUT', `/v1/scheduling/teams/${team.id}/office-hours`, {
      weekly: { timeZone: 'Europe/Amsterdam', days },
    });
  }, 120_000);

  // A failed browser test says little about the server; print what it warned about meanwhile.
  let logsBefore = 0;
  beforeEach(() => {
    logsBefore = suite.gateway?.logs.length ?? 0;
  });
  afterEach((context) => {
    if (context.task.result?.state !== 'fail' || !suite.gateway) return;
    const warnings = suite.gateway.logs
      .slice(logsBefore)
      .filter((line) => /"level":(4|5|6)0/.test(line))
      .slice(-40);
    process.stderr.write(
      `gateway warnings and errors during "${context.task.name}":\n${warnings.join('')}\n`,
    );
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await suite.browser?.close();
    await suite.gateway?.close();
  });

  suite.newPerson = async () => {
    const context = await suite.browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'nl-NL',
    });
    contexts.push(context);
    return watchedPage(context, suite.problems);
  };

  suite.expectClean = async (page, where) => {
    expect(await cspViolations(page), `CSP violations on ${where}`).toEqual([]);
    expect(await axeViolations(page), `accessibility on ${where}`).toEqual([]);
    expect(suite.problems.errors, `console errors on ${where}`).toEqual([]);
  };

  suite.joinWith = async (page, code, name) => {
    await page.goto(`${suite.gateway.url}/join#${code}`);
    await page.getByLabel('Uw naam').fill(name);
    await page.getByRole('button', { name: 'Verder' }).click();
    await page
      .getByRole('heading', { name: 'Gesprekken' })
      .waitFor()
      .catch(async (error: unknown) => {
        throw new Error(
          `${String(error)}\n${suite.problems.errors.join('\n')}\n${await page.locator('main').innerText()}`,
        );
      });
  };

  suite.workerInvite = () => invite(suite.gateway, suite.org.admin, 'worker', suite.org.team.id);

  suite.adminInvite = async () => {
    const created = await suite.gateway.app.inject({
      method: 'POST',
      url: `/v1/operator/organisations/${suite.org.id}/admin-invites`,
      headers: { 'x-operator-token': suite.gateway.operatorToken },
      payload: {},
    });
    expect(created.statusCode).toBe(201);
    return created.json<{ code: string }>().code;
  };

  return suite;
}
