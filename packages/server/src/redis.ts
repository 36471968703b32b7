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
