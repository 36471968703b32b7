import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, login, seedOrganisation, startGateway, type TestGateway } from './harness.ts';

/**
 * Issue 15, finding 6: one resident made the server unresponsive with 3,000 `GET /v1/me` at
 * concurrency 100. Authenticated REST calls are limited per device (here 20 at once, then
 * one a minute: slow enough that the real time a test takes refills nothing, while the
 * server's clock is moved by hand), answered ERR_RATE_LIMITED with retryAfter, and nobody
 * else is affected.
 */
let gateway: TestGateway;
let cast: Awaited<ReturnType<typeof seedOrganisation>>;
beforeAll(async () => {
  gateway = await startGateway({
    env: { RATE_LIMIT_DEVICE_PER_MINUTE: '1', RATE_LIMIT_DEVICE_BURST: '20' },
  });
  cast = await seedOrganisation(gateway, 'rest-limit');
});
afterAll(() => gateway.close());

type Refusal = { error: { code: string; retryAfter?: number } };

const me = (authorization: string) =>
  gateway.app.inject({ method: 'GET', url: '/v1/me', headers: { authorization } });

describe('the per-device limit on REST calls', () => {
  it('allows the burst, then answers 429 with Retry-After, on every spelling of the header', async () => {
    const { resident } = cast;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await api(gateway, resident, 'GET', '/v1/me')).status);
    expect(statuses.every((status) => status === 200)).toBe(true);

    const refused = await me(`Bearer ${resident.token}`);
    expect(refused.statusCode).toBe(429);
    const body = refused.json<Refusal>();
    expect(body.error.code).toBe('ERR_RATE_LIMITED');
    expect(body.error.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.headers['retry-after']).toBe(String(body.error.retryAfter));

    for (const authorization of [
      `bearer ${resident.token}`,
      `BEARER  ${resident.token}`,
      `Bearer\t${resident.token}`,
    ]) {
      expect([authorization.slice(0, 8), (await me(authorization)).statusCode]).toEqual([
        authorization.slice(0, 8),
        429,
      ]);
    }
    // A second token of the same device shares the device's bucket.
    const another = await login(gateway, resident);
    expect((await me(`Bearer ${another}`)).statusCode).toBe(429);
  });

  it('a flood from one device is refused and nobody else notices', async () => {
    const { resident, worker } = cast;
    const flood = await Promise.all(Array.from({ length: 100 }, () => me(`Bearer ${resident.token}`)));
    expect(new Set(flood.map((response) => response.statusCode))).toEqual(new Set([429]));
    expect((await api(gateway, worker, 'GET', '/v1/me')).status).toBe(200);
    expect((await gateway.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('fills up again at the configured rate', async () => {
    const { resident } = cast;
    gateway.advanceClock(60_000);
    expect((await api(gateway, resident, 'GET', '/v1/me')).status).toBe(200);
    expect((await api(gateway, resident, 'GET', '/v1/me')).status).toBe(429);
    gateway.advanceClock(180_000);
    const after = [];
    for (let i = 0; i < 4; i++) after.push((await api(gateway, resident, 'GET', '/v1/me')).status);
    expect(after).toEqual([200, 200, 200, 429]);
  });

  it('counts every authenticated service, not only identity', async () => {
    const { admin } = cast;
    const statuses = [];
    for (let i = 0; i < 25; i++) statuses.push((await api(gateway, admin, 'GET', '/v1/channels')).status);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
  });
});
