import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, seedOrganisation, startGateway, type Actor, type TestGateway } from './harness.ts';

/**
 * Issue 15, finding 2: the calendar feed's token was logged in clear when the query name was
 * percent-encoded (`?%74oken=…`), which the server reads as `token` all the same.
 */
let gateway: TestGateway;
let worker: Actor;
beforeAll(async () => {
  gateway = await startGateway({ env: { LOG_LEVEL: 'info' } });
  ({ worker } = await seedOrganisation(gateway, 'feed-token-logs'));
});
afterAll(() => gateway.close());

describe('the calendar feed token in logs', () => {
  it('is redacted however the parameter name is spelled, while the feed still answers', async () => {
    const created = await api<{ url: string }>(gateway, worker, 'POST', '/v1/scheduling/calendar-feed');
    expect(created.status).toBe(201);
    const token = new URL(created.body.url).searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(20);

    for (const query of [
      `token=${token}`,
      `%74oken=${token}`,
      `%74%6F%6B%65%6E=${token}`,
      `%E0%A4%A=1&%74oken=${token}`,
    ]) {
      const response = await fetch(`${gateway.url}/v1/calendar/feed.ics?${query}`);
      // The server honoured the spelling: the token was read (a feed, not a 400).
      expect([query, response.status]).toEqual([query, query.startsWith('%E0') ? 400 : 200]);
      await response.arrayBuffer();
    }
    const logged = gateway.logs.join('\n');
    expect(logged).toContain('/v1/calendar/feed.ics?%74oken=[Redacted]');
    expect(logged).not.toContain(token);
  });
});
