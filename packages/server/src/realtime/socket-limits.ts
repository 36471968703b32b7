import type { Config } from '@spreekuur/config';
import type { ClientEventName } from '@spreekuur/protocol/realtime';
import { MemoryRateLimiter, type RateDecision, type RatePolicy } from '../limits/rate-limiter.ts';

/**
 * What a socket event costs the server decides how often a device may send it. Every event
 * of the protocol has a class here; the compiler refuses a new event without one.
 */
export type EventClass = 'send' | 'typing' | 'events';

export const eventClasses: Record<ClientEventName, EventClass> = {
  'chat:send': 'send',
  'chat:delete': 'send',
  'chat:typing': 'typing',
  'chat:receipts': 'events',
  'chat:sync': 'events',
  'presence:set': 'events',
  'presence:watch': 'events',
  'scheduling:queue:watch': 'events',
  'scheduling:queue:unwatch': 'events',
  'session:refresh': 'events',
};

type SocketLimitSettings = Pick<
  Config,
  'RATE_LIMIT_SOCKET_SENDS_PER_SECOND' | 'RATE_LIMIT_SOCKET_EVENTS_PER_SECOND'
>;

/** A burst of three seconds' worth: a person who types a few quick lines is never refused. */
const burstOf = (perSecond: number) => Math.max(1, Math.ceil(perSecond * 3));

function socketPolicies(settings: SocketLimitSettings): Record<EventClass, RatePolicy> {
  const sends = settings.RATE_LIMIT_SOCKET_SENDS_PER_SECOND;
  const events = settings.RATE_LIMIT_SOCKET_EVENTS_PER_SECOND;
  return {
    send: { burst: burstOf(sends), refillPerSecond: sends },
    // Typing is a hint shown to others: twice a second is plenty, more is noise (or a flood).
    typing: { burst: 6, refillPerSecond: 2 },
    events: { burst: burstOf(events), refillPerSecond: events },
  };
}

/**
 * Per-device limits on socket events, and per person on sends (so a second device does not
 * double what one person may post). In this process's memory: a device's socket lives on one
 * node, so no Redis round trip is spent on the hot path, and a limit costs a map lookup.
 */
export class SocketEventLimits {
  private readonly byClass: Record<EventClass, MemoryRateLimiter>;
  private readonly personSends: MemoryRateLimiter;

  constructor(settings: SocketLimitSettings, now: () => number = Date.now) {
    const policies = socketPolicies(settings);
    this.byClass = {
      send: new MemoryRateLimiter(policies.send, now),
      typing: new MemoryRateLimiter(policies.typing, now),
      events: new MemoryRateLimiter(policies.events, now),
    };
    const { burst, refillPerSecond } = policies.send;
    this.personSends = new MemoryRateLimiter({ burst: burst * 2, refillPerSecond: refillPerSecond * 2 }, now);
  }

  take(event: ClientEventName, caller: { deviceId: string; personId: string }): RateDecision {
    const eventClass = eventClasses[event];
    const device = this.byClass[eventClass].takeNow(caller.deviceId);
    if (!device.ok || eventClass !== 'send') return device;
    return this.personSends.takeNow(caller.personId);
  }
}
