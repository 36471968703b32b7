import { Redis } from 'ioredis';

/**
 * A Redis client for what is shared between nodes and may be lost (fan-out, presence,
 * rate-limit counters). It reconnects on its own; a Redis outage degrades real-time
 * fan-out between nodes and readiness reports it, but durable data is never at risk.
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: false,
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(attempt * 200, 5_000),
  });
}

interface ConnectionEvents {
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

/**
 * Logs a lost Redis connection once (and its return), instead of ioredis printing an
 * "Unhandled error event" line outside the JSON log on every reconnect attempt.
 */
export function logRedisConnection(
  redis: ConnectionEvents,
  log: { warn(details: object, message: string): void; info(message: string): void },
): void {
  let failing = false;
  redis.on('error', (error) => {
    if (!failing) log.warn({ err: error }, 'Redis connection lost; reconnecting');
    failing = true;
  });
  redis.on('ready', () => {
    if (failing) log.info('Redis connection back');
    failing = false;
  });
}
