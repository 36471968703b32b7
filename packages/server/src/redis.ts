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

/**
 * Calls `onError` for every 'error' event of `redis` and of every client later duplicated
 * from it: the socket.io Redis Streams adapter reads its streams and subscribes on its own
 * duplicates, whose errors it otherwise swallows (metrics count them).
 */
export function observeRedisErrors(redis: Redis, onError: (error: Error) => void): void {
  redis.on('error', onError);
  const duplicate = redis.duplicate.bind(redis);
  redis.duplicate = (...args: Parameters<Redis['duplicate']>) => {
    const copy = duplicate(...args);
    observeRedisErrors(copy, onError);
    return copy;
  };
}
