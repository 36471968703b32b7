import { describe, expect, it } from 'vitest';
import { clientEvents, type ClientEventName } from '@spreekuur/protocol/realtime';
import { eventClasses, SocketEventLimits } from './socket-limits.ts';

const settings = { RATE_LIMIT_SOCKET_SENDS_PER_SECOND: 2, RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: 5 };
const phone = { deviceId: 'phone', personId: 'sanne' };
const laptop = { deviceId: 'laptop', personId: 'sanne' };
const other = { deviceId: 'other', personId: 'bram' };

function limitsAt(clock: { now: number }) {
  return new SocketEventLimits(settings, () => clock.now);
}

const allowedOf = (limits: SocketEventLimits, event: ClientEventName, caller: typeof phone, times: number) =>
  Array.from({ length: times }, () => limits.take(event, caller)).filter((decision) => decision.ok).length;

describe('socket event limits', () => {
  it('gives every event of the protocol a class', () => {
    expect(Object.keys(eventClasses).sort()).toEqual(Object.keys(clientEvents).sort());
  });

  it('lets a device send three seconds’ worth at once, then refuses with when to retry', () => {
    const clock = { now: 0 };
    const limits = limitsAt(clock);
    expect(allowedOf(limits, 'chat:send', phone, 6)).toBe(6);
    expect(limits.take('chat:send', phone)).toEqual({ ok: false, retryAfterSeconds: 1 });
    clock.now += 1_000;
    expect(allowedOf(limits, 'chat:send', phone, 5)).toBe(2);
  });

  it('counts deletions with sends, and typing and other events apart', () => {
    const limits = limitsAt({ now: 0 });
    expect(allowedOf(limits, 'chat:send', phone, 4) + allowedOf(limits, 'chat:delete', phone, 4)).toBe(6);
    expect(allowedOf(limits, 'chat:typing', phone, 100)).toBe(6);
    expect(allowedOf(limits, 'chat:receipts', phone, 100)).toBe(15);
  });

  it('gives a person twice a device’s sends over all their devices, and others their own', () => {
    const limits = limitsAt({ now: 0 });
    expect(allowedOf(limits, 'chat:send', phone, 10)).toBe(6);
    expect(allowedOf(limits, 'chat:send', laptop, 10)).toBe(6);
    // A third device of the same person finds the person's bucket empty.
    expect(allowedOf(limits, 'chat:send', { deviceId: 'tablet', personId: 'sanne' }, 10)).toBe(0);
    expect(allowedOf(limits, 'chat:send', other, 10)).toBe(6);
  });
});
