import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import {
  ALLOWED,
  checkCost,
  checkPolicy,
  MemoryRateLimiter,
  type RateDecision,
  type RateLimiter,
  type RatePolicy,
} from './rate-limiter.ts';

/**
 * The token bucket, atomically in Redis. KEYS[1]: the bucket (a hash: tokens `t`, as of `at`
 * ms). ARGV: burst, refill per ms, now (ms), tokens needed, tokens wanted. Grants between
 * `need` and `want` tokens (as many as there are), or none: then it answers how many ms until
 * `need` are there, and changes nothing. The key expires once the bucket would be full again.
 */
const TAKE = `
local burst = tonumber(ARGV[1])
local perMs = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local need = tonumber(ARGV[4])
local want = tonumber(ARGV[5])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens = tonumber(state[1])
local at = tonumber(state[2])
if tokens == nil or at == nil then
  tokens = burst
  at = now
end
if now > at then
  tokens = math.min(burst, tokens + (now - at) * perMs)
  at = now
end
if tokens < need then
  return {0, math.ceil((need - tokens) / perMs)}
end
local granted = math.min(want, math.floor(tokens))
tokens = tokens - granted
redis.call('HSET', KEYS[1], 't', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / perMs) + 1000)
return {granted, 0}
`;
const TAKE_SHA = createHash('sha1').update(TAKE).digest('hex');

export interface RedisRateLimiterOptions {
  /** Every key is `${prefix}${key}`. */
  prefix: string;
  policy: RatePolicy;
  /**
   * Tokens fetched from Redis at a time and spent from this node's memory (a lease), so only
   * about one take in `batch` costs a round trip. 1: every take asks Redis.
   */
  batch?: number;
  /** How long a lease's unspent tokens stay usable on this node. */
  leaseMs?: number;
  now?: () => number;
  /** Told when Redis failed; meanwhile this node limits on its own, in memory. */
  onError?: (error: unknown) => void;
}

interface Lease {
  tokens: number;
  expiresAt: number;
}

/**
 * Buckets shared by every node, in Redis. With `batch` > 1 a node takes several tokens at
 * once and spends them locally: never more than the shared bucket allows in total (leased
 * tokens were taken from it), at the price that a lease's unspent tokens (at most batch - 1
 * per key and node, for `leaseMs`) are not available to the key on other nodes.
 *
 * Time is this node's clock, passed to Redis, so tests can move it; nodes' clocks only need
 * to agree to within a second or so (a bucket never refills backwards). Should Redis fail,
 * a take falls back to an in-process bucket with the same policy: a Redis outage neither
 * locks people out nor lifts the limit.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly policy: RatePolicy;
  private readonly batch: number;
  private readonly leaseMs: number;
  private readonly now: () => number;
  private readonly leases = new Map<string, Lease>();
  private readonly fallback: MemoryRateLimiter;
  private takesSinceSweep = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisRateLimiterOptions,
  ) {
    checkPolicy(options.policy);
    this.policy = options.policy;
    this.batch = Math.max(1, Math.min(options.batch ?? 1, options.policy.burst));
    this.leaseMs = options.leaseMs ?? 10_000;
    this.now = options.now ?? Date.now;
    this.fallback = new MemoryRateLimiter(options.policy, this.now);
  }

  async take(key: string, cost = 1): Promise<RateDecision> {
    checkCost(this.policy, cost);
    const now = this.now();
    if (++this.takesSinceSweep > Math.max(1_000, this.leases.size)) this.sweep(now);
    const lease = this.leases.get(key);
    const leased = lease && lease.expiresAt > now ? lease.tokens : 0;
    if (lease && leased >= cost) {
      lease.tokens -= cost;
      return ALLOWED;
    }
    // Not enough here: Redis gives the rest, and up to a batch more for the next takes. The
    // lease is set aside meanwhile so that concurrent takes on this node do not spend it too.
    this.leases.delete(key);
    const need = cost - leased;
    const want = Math.min(this.policy.burst, need + this.batch - 1);
    let answer: [number, number];
    try {
      answer = await this.evaluate(key, now, need, want);
    } catch (error) {
      this.options.onError?.(error);
      this.putBack(key, leased, now);
      return this.fallback.take(key, cost);
    }
    const [granted, retryMs] = answer;
    if (granted === 0) {
      this.putBack(key, leased, now);
      // A concurrent take may have leased tokens meanwhile.
      const current = this.leases.get(key);
      if (current && current.expiresAt > now && current.tokens >= cost) {
        current.tokens -= cost;
        return ALLOWED;
      }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
    }
    this.putBack(key, granted - need, now);
    return ALLOWED;
  }

  private putBack(key: string, tokens: number, now: number): void {
    if (tokens <= 0) return;
    const current = this.leases.get(key);
    const kept = current && current.expiresAt > now ? current.tokens : 0;
    this.leases.set(key, { tokens: kept + tokens, expiresAt: now + this.leaseMs });
  }

  private async evaluate(key: string, now: number, need: number, want: number): Promise<[number, number]> {
    const args = [
      `${this.options.prefix}${key}`,
      this.policy.burst,
      this.policy.refillPerSecond / 1000,
      now,
      need,
      want,
    ];
    try {
      return (await this.redis.evalsha(TAKE_SHA, 1, ...args)) as [number, number];
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.redis.eval(TAKE, 1, ...args)) as [number, number];
    }
  }

  private sweep(now: number): void {
    this.takesSinceSweep = 0;
    for (const [key, lease] of this.leases) if (lease.expiresAt <= now) this.leases.delete(key);
  }
}
