import { describe, expect, it } from 'vitest';
import { AppError } from '@spreekuur/protocol/errors';
import { DeviceRequestLimit } from './device-request-limit.ts';
import { MemoryRateLimiter } from './rate-limiter.ts';

function setUp() {
  let now = 1_800_000_000_000;
  const clock = () => now;
  const limit = new DeviceRequestLimit(
    new MemoryRateLimiter({ burst: 2, refillPerSecond: 0.5 }, clock),
    clock,
  );
  return { limit, advance: (ms: number) => void (now += ms) };
}

const refusal = (work: () => unknown) =>
  Promise.resolve()
    .then(work)
    .then(
      () => null,
      (error: unknown) => (error instanceof AppError ? [error.code, error.details.retryAfter] : error),
    );

describe('DeviceRequestLimit', () => {
  it('counts per device, whichever token it presents', async () => {
    const { limit } = setUp();
    await limit.take('device-1', 'token-a');
    await limit.take('device-1', 'token-b');
    expect(await refusal(() => limit.take('device-1', 'token-c'))).toEqual(['ERR_RATE_LIMITED', 2]);
    await limit.take('device-2', 'token-d');
  });

  it('turns a refused token away before it is looked up, until it may try again', async () => {
    const { limit, advance } = setUp();
    await limit.take('device-1', 'token-a');
    await limit.take('device-1', 'token-a');
    expect(await refusal(() => limit.take('device-1', 'token-a'))).toEqual(['ERR_RATE_LIMITED', 2]);
    expect(await refusal(() => limit.refuseIfRemembered('token-a'))).toEqual(['ERR_RATE_LIMITED', 2]);
    expect(await refusal(() => limit.refuseIfRemembered('token-other'))).toBeNull();
    advance(1_500);
    expect(await refusal(() => limit.refuseIfRemembered('token-a'))).toEqual(['ERR_RATE_LIMITED', 1]);
    advance(500);
    expect(await refusal(() => limit.refuseIfRemembered('token-a'))).toBeNull();
    await limit.take('device-1', 'token-a');
  });
});
