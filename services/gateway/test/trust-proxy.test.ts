import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './harness.ts';

/**
 * Regression: with TRUST_PROXY=true every X-Forwarded-For a client sent was believed, so a
 * forged left-most entry gave each request a fresh rate-limit bucket. Only the entries
 * appended by the trusted proxies may count: the right-most one behind one load balancer.
 */
const LIMIT = 3;

/** One login-challenge request as it reaches a node through the load balancer (127.0.0.1 here). */
async function challenge(gateway: TestGateway, forwardedFor: string): Promise<number> {
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/v1/auth/challenge',
    remoteAddress: '127.0.0.1',
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { deviceId: randomUUID() },
  });
  return response.statusCode;
}

describe.each([
  ['a hop count', '1'],
  ['the load balancer address', '127.0.0.1'],
  ['the load balancer network', '127.0.0.0/8, ::1'],
])('rate limits behind a load balancer, TRUST_PROXY as %s', (_label, trustProxy) => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGateway({
      env: { TRUST_PROXY: trustProxy, RATE_LIMIT_AUTH_PER_MINUTE: String(LIMIT) },
    });
  });
  afterAll(() => gateway.close());

  it('a forged left-most X-Forwarded-For entry does not give a fresh bucket: the proxy-appended one counts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) {
      // The client forges a new address each time; the load balancer appends the real one.
      statuses.push(await challenge(gateway, `10.9.8.${i}, 203.0.113.7`));
    }
    expect(statuses.slice(0, LIMIT)).not.toContain(429);
    expect(statuses.slice(LIMIT)).toEqual([429, 429]);
  });

  it('clients behind the load balancer do not share one bucket', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) statuses.push(await challenge(gateway, `198.51.100.${i + 1}`));
    expect(statuses).not.toContain(429);
  });
});

describe('rate limits without TRUST_PROXY', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startGateway({ env: { RATE_LIMIT_AUTH_PER_MINUTE: String(LIMIT) } });
  });
  afterAll(() => gateway.close());

  it('ignore X-Forwarded-For altogether: the peer address counts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 1; i++) statuses.push(await challenge(gateway, `198.51.100.${i + 1}`));
    expect(statuses.at(-1)).toBe(429);
  });
});
