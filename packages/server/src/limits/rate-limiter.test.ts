import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryRateLimiter,
  perMinute,
  RedisRateLimiter,
  type RateLimiter,
  type RatePolicy,
} from './index.ts';

type Make = (policy: RatePolicy, now: () => number) => RateLimiter;

/** A clock the test moves by hand. */
function manualClock(start = 1_800_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function takeAll(limiter: RateLimiter, key: string, times: number, cost = 1) {
  const decisions = [];
  for (let i = 0; i < times; i++) decisions.push(await limiter.take(key, cost));
  return decisions;
}
const allowed = (decisions: Array<{ ok: boolean }>) => decisions.filter((decision) => decision.ok).length;

/** One suite, run against every implementation of the port (house style §4, ../shared/STYLE.md). */
function rateLimiterContract(name: string, make: Make) {
  describe(`rate limiter: ${name}`, () => {
    const policy = { burst: 5, refillPerSecond: 1 };

    it('allows the burst, then refuses with the wait until a token is back', async () => {
      const clock = manualClock();
      const limiter = make(policy, clock.now);
      expect(allowed(await takeAll(limiter, 'a', 5))).toBe(5);
      expect(await limiter.take('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
      clock.advance(1_000);
      expect(await limiter.take('a')).toEqual({ ok: true });
      expect((await limiter.take('a')).ok).toBe(false);
    });

    it('fills up at the refill rate and never above the burst', async () => {
      const clock = manualClock();
      const limiter = make(policy, clock.now);
      await takeAll(limiter, 'b', 5);
      clock.advance(2_500);
      expect(allowed(await takeAll(limiter, 'b', 5))).toBe(2);
      clock.advance(3_600_000);
      expect(allowed(await takeAll(limiter, 'b', 8))).toBe(5);
    });

    it('keeps keys apart', async () => {
      const clock = manualClock();
      const limiter = make(policy, clock.now);
      await takeAll(limiter, 'c1', 5);
      expect((await limiter.take('c1')).ok).toBe(false);
      expect(allowed(await takeAll(limiter, 'c2', 5))).toBe(5);
    });

    it('charges a cost, and a refused take costs nothing', async () => {
      const clock = manualClock();
      const limiter = make(policy, clock.now);
      expect(await limiter.take('d', 3)).toEqual({ ok: true });
      expect(await limiter.take('d', 3)).toEqual({ ok: false, retryAfterSeconds: 1 });
      expect(await limiter.take('d', 2)).toEqual({ ok: true });
      expect(await limiter.take('d', 4)).toEqual({ ok: false, retryAfterSeconds: 4 });
      clock.advance(1_000);
      expect(await limiter.take('d', 1)).toEqual({ ok: true });
    });

    it('refuses with whole seconds, at least one, for slow refills', async () => {
      const clock = manualClock();
      const limiter = make(perMinute(6, 2), clock.now);
      await takeAll(limiter, 'e', 2);
      expect(await limiter.take('e')).toEqual({ ok: false, retryAfterSeconds: 10 });
      clock.advance(9_500);
      expect(await limiter.take('e')).toEqual({ ok: false, retryAfterSeconds: 1 });
    });

    it('treats a cost it can never pay as a mistake', async () => {
      const limiter = make(policy, Date.now);
      await expect(limiter.take('f', 6)).rejects.toThrow(RangeError);
      await expect(limiter.take('f', 0)).rejects.toThrow(RangeError);
      await expect(limiter.take('f', 1.5)).rejects.toThrow(RangeError);
    });
  });
}

rateLimiterContract('in-process', (policy, now) => new MemoryRateLimiter(policy, now));

describe('rate limiter: in-process memory', () => {
  it('forgets buckets that are full again', async () => {
    const clock = manualClock();
    const limiter = new MemoryRateLimiter({ burst: 2, refillPerSecond: 1 }, clock.now);
    for (let i = 0; i < 500; i++) await limiter.take(`device-${i}`);
    expect(limiter.size).toBe(500);
    clock.advance(1_000);
    for (let i = 0; i < 1_500; i++) await limiter.take('busy', 1).then(() => clock.advance(1_000));
    expect(limiter.size).toBeLessThan(10);
  });
});

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const redis = new Redis(redisUrl);
  const prefix = `test-${randomBytes(6).toString('hex')}:`;
  let n = 0;
  const fresh = () => `${prefix}${n++}:`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  rateLimiterContract(
    'Redis',
    (policy, now) => new RedisRateLimiter(redis, { prefix: fresh(), policy, now }),
  );
  rateLimiterContract(
    'Redis, leasing batches of 3',
    (policy, now) => new RedisRateLimiter(redis, { prefix: fresh(), policy, now, batch: 3 }),
  );

  describe('rate limiter: Redis across nodes', () => {
    it('nodes share one bucket', async () => {
      const clock = manualClock();
      const shared = fresh();
      const policy = { burst: 10, refillPerSecond: 1 };
      const nodes = [0, 1, 2].map(
        () => new RedisRateLimiter(redis, { prefix: shared, policy, now: clock.now }),
      );
      const decisions = await Promise.all(
        nodes.flatMap((node) => Array.from({ length: 6 }, () => node.take('k'))),
      );
      expect(allowed(decisions)).toBe(10);
    });

    it('with leases, nodes together never get more than the bucket holds', async () => {
      const clock = manualClock();
      const shared = fresh();
      const policy = { burst: 20, refillPerSecond: 1 };
      const nodes = [0, 1, 2].map(
        () => new RedisRateLimiter(redis, { prefix: shared, policy, now: clock.now, batch: 4 }),
      );
      let granted = 0;
      for (let round = 0; round < 10; round++) {
        for (const node of nodes) if ((await node.take('k')).ok) granted++;
      }
      expect(granted).toBeLessThanOrEqual(20);
      expect(granted).toBeGreaterThanOrEqual(20 - 3 * 3);
    });

    it('asks Redis about once per batch', async () => {
      const clock = manualClock();
      const counter = new Redis(redisUrl);
      const calls: string[] = [];
      const original = counter.evalsha.bind(counter);
      counter.evalsha = ((...args: Parameters<typeof original>) => {
        calls.push(String(args[0]));
        return original(...args);
      }) as typeof counter.evalsha;
      const limiter = new RedisRateLimiter(counter, {
        prefix: fresh(),
        policy: { burst: 100, refillPerSecond: 10 },
        now: clock.now,
        batch: 10,
      });
      expect(allowed(await takeAll(limiter, 'k', 50))).toBe(50);
      expect(calls.length).toBe(5);
      await counter.quit();
    });

    it('limits in process while Redis is unreachable, and says so', async () => {
      const broken = new Redis('redis://127.0.0.1:1', {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      broken.on('error', () => undefined);
      const errors: unknown[] = [];
      const limiter = new RedisRateLimiter(broken, {
        prefix: fresh(),
        policy: { burst: 3, refillPerSecond: 1 },
        onError: (error) => errors.push(error),
      });
      expect(allowed(await takeAll(limiter, 'k', 5))).toBe(3);
      expect(errors.length).toBeGreaterThan(0);
      broken.disconnect();
    });
  });
}
