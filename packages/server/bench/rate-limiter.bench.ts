import { Redis } from 'ioredis';
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from '../src/limits/index.ts';

/**
 * What a rate-limit check costs when it is not hit: `tsx packages/server/bench/rate-limiter.bench.ts`
 * (with REDIS_URL for the Redis figures). Sequential takes over 1,000 keys with room to spare.
 */
const policy = { burst: 1_000_000, refillPerSecond: 1_000_000 };

async function measure(name: string, limiter: RateLimiter, takes: number): Promise<void> {
  for (let i = 0; i < 1_000; i++) await limiter.take(`warm-${i % 1_000}`);
  const started = process.hrtime.bigint();
  for (let i = 0; i < takes; i++) await limiter.take(`device-${i % 1_000}`);
  const micros = Number(process.hrtime.bigint() - started) / 1_000 / takes;
  console.log(`${name.padEnd(28)} ${micros.toFixed(2).padStart(8)} µs per take`);
}

await measure('in-process', new MemoryRateLimiter(policy), 1_000_000);
if (process.env.REDIS_URL) {
  const redis = new Redis(process.env.REDIS_URL, { enableAutoPipelining: true });
  const prefix = `bench-${process.pid}:`;
  await measure('Redis, every take', new RedisRateLimiter(redis, { prefix, policy }), 20_000);
  await measure('Redis, leases of 10', new RedisRateLimiter(redis, { prefix, policy, batch: 10 }), 100_000);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
