import { AppError } from '@spreekuur/protocol/errors';
import type { RateLimiter } from './rate-limiter.ts';

/** Beyond this many remembered refusals, forget them all: remembering is only a shortcut. */
const REMEMBERED_MAX = 10_000;

function rateLimited(retryAfterSeconds: number): AppError {
  return new AppError('ERR_RATE_LIMITED', 'too many requests from this device', {
    retryAfter: retryAfterSeconds,
  });
}

/**
 * The per-device limit on authenticated REST calls. It is keyed on the device the token
 * resolved to, so no spelling of the Authorization header and no second token of the same
 * device gets a bucket of its own. A refused token is remembered until it may try again:
 * a device that keeps hammering is turned away before its token is even looked up, so it
 * costs the database nothing and others are not kept waiting behind it.
 */
export class DeviceRequestLimit {
  private readonly refused = new Map<string, number>();

  constructor(
    private readonly limiter: RateLimiter,
    private readonly now: () => number,
  ) {}

  /** Throws ERR_RATE_LIMITED when this token's device was refused and may not try again yet. */
  refuseIfRemembered(token: string): void {
    const until = this.refused.get(token);
    if (until === undefined) return;
    const wait = until - this.now();
    if (wait <= 0) {
      this.refused.delete(token);
      return;
    }
    throw rateLimited(Math.ceil(wait / 1000));
  }

  /** One call by `deviceId` (presenting `token`): allowed, or ERR_RATE_LIMITED with retryAfter. */
  async take(deviceId: string, token: string): Promise<void> {
    const decision = await this.limiter.take(`device:${deviceId}`);
    if (decision.ok) return;
    this.remember(token, this.now() + decision.retryAfterSeconds * 1000);
    throw rateLimited(decision.retryAfterSeconds);
  }

  private remember(token: string, until: number): void {
    if (this.refused.size >= REMEMBERED_MAX) {
      const now = this.now();
      for (const [key, expires] of this.refused) if (expires <= now) this.refused.delete(key);
      if (this.refused.size >= REMEMBERED_MAX) this.refused.clear();
    }
    this.refused.set(token, until);
  }
}
