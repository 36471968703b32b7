/**
 * A rate limit: a token bucket per key (a device, a pair of devices, …). One port with an
 * in-process and a Redis implementation (house style §4, ../shared/STYLE.md); `createRateLimiter` picks one.
 */
export interface RatePolicy {
  /** How many tokens a full bucket holds: what a key may spend at once. */
  burst: number;
  /** How fast a bucket fills up again. */
  refillPerSecond: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Takes `cost` tokens from `key`'s bucket. Refused: nothing is taken, and `retryAfterSeconds`
   * says when `cost` tokens will be there again (at least 1). A cost above the burst can never
   * be paid and throws: that is a mistake in the caller, not a client to refuse.
   */
  take(key: string, cost?: number): Promise<RateDecision>;
}

/** A policy of `perMinute` tokens a minute, of which `burst` may be spent at once. */
export function perMinute(perMinute: number, burst: number): RatePolicy {
  return { burst, refillPerSecond: perMinute / 60 };
}

export const ALLOWED: RateDecision = Object.freeze({ ok: true });

export function checkPolicy(policy: RatePolicy): void {
  if (!(policy.burst >= 1) || !(policy.refillPerSecond > 0))
    throw new RangeError(`rate policy needs a burst ≥ 1 and a positive refill: ${JSON.stringify(policy)}`);
}

export function checkCost(policy: RatePolicy, cost: number): void {
  if (!Number.isInteger(cost) || cost < 1 || cost > policy.burst)
    throw new RangeError(
      `rate-limit cost must be a whole number from 1 to the burst (${policy.burst}): ${cost}`,
    );
}

/** Refused: how long until `missing` more tokens have flowed in, in whole seconds (≥ 1). */
function refusal(policy: RatePolicy, missing: number): RateDecision {
  return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / policy.refillPerSecond)) };
}

interface Bucket {
  tokens: number;
  /** When `tokens` was true (ms). */
  at: number;
}

/**
 * Buckets in this process's memory: nothing shared, no I/O, a map lookup per take. Full
 * buckets carry no information, so they are dropped now and then (after about as many takes
 * as there are buckets), which keeps memory to the keys that were active lately.
 */
export class MemoryRateLimiter implements RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private takesSinceSweep = 0;

  constructor(
    private readonly policy: RatePolicy,
    private readonly now: () => number = Date.now,
  ) {
    checkPolicy(policy);
  }

  async take(key: string, cost = 1): Promise<RateDecision> {
    return this.takeNow(key, cost);
  }

  /** The same as `take`, without a promise: for callers on a hot path. */
  takeNow(key: string, cost = 1): RateDecision {
    checkCost(this.policy, cost);
    const now = this.now();
    if (++this.takesSinceSweep > Math.max(1_000, this.buckets.size)) this.sweep(now);
    const bucket = this.buckets.get(key);
    const tokens = bucket ? this.level(bucket, now) : this.policy.burst;
    if (tokens < cost) return refusal(this.policy, cost - tokens);
    this.buckets.set(key, { tokens: tokens - cost, at: now });
    return ALLOWED;
  }

  /** How many keys have a bucket that is not full (for tests of the sweep). */
  get size(): number {
    return this.buckets.size;
  }

  private level(bucket: Bucket, now: number): number {
    const elapsedSeconds = Math.max(0, now - bucket.at) / 1000;
    return Math.min(this.policy.burst, bucket.tokens + elapsedSeconds * this.policy.refillPerSecond);
  }

  private sweep(now: number): void {
    this.takesSinceSweep = 0;
    for (const [key, bucket] of this.buckets) {
      if (this.level(bucket, now) >= this.policy.burst) this.buckets.delete(key);
    }
  }
}
