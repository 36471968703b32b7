import type { Redis } from 'ioredis';
import { MemoryRateLimiter, type RateLimiter, type RatePolicy } from './rate-limiter.ts';
import { RedisRateLimiter } from './redis-rate-limiter.ts';

export {
  MemoryRateLimiter,
  perMinute,
  type RateDecision,
  type RateLimiter,
  type RatePolicy,
} from './rate-limiter.ts';
export { RedisRateLimiter, type RedisRateLimiterOptions } from './redis-rate-limiter.ts';

export interface RateLimiterOptions {
  /** Names the limit; its Redis keys are `${REDIS_PREFIX}:limit:${name}:${key}`. */
  name: string;
  policy: RatePolicy;
  /** Present in scaled mode: buckets shared by all nodes. Absent: in this process. */
  redis?: Redis | null | undefined;
  redisPrefix?: string;
  /** Redis only: tokens leased per round trip (see RedisRateLimiter). */
  batch?: number;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** The limiter a deployment needs: shared through Redis when there is one, else in process. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const now = options.now ?? Date.now;
  if (!options.redis) return new MemoryRateLimiter(options.policy, now);
  return new RedisRateLimiter(options.redis, {
    prefix: `${options.redisPrefix ?? 'spreekuur'}:limit:${options.name}:`,
    policy: options.policy,
    ...(options.batch ? { batch: options.batch } : {}),
    now,
    ...(options.onError ? { onError: options.onError } : {}),
  });
}
