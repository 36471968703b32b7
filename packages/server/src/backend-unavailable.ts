/**
 * Whether an error means a backend (PostgreSQL, Redis) cannot be reached right now, rather
 * than a fault in this request: the server is restarting, a connection was cut, the pool
 * cannot connect. Such a failure is answered ERR_UNAVAILABLE (503), which clients retry
 * without limit, instead of ERR_INTERNAL, which they give up on after a few tries.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections. */
const POSTGRES_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const MESSAGES = [
  /^Connection terminated/, // node-postgres, when the server goes away mid-query
  /^timeout exceeded when trying to connect/, // pg-pool
  /Connection is closed\.?$/, // ioredis
  /max retries per request/i, // ioredis, while reconnecting
];

export function isBackendUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || POSTGRES_CODES.has(code)) return true;
    // Class 08: connection exception.
    if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  }
  if (error.name === 'MaxRetriesPerRequestError') return true;
  return MESSAGES.some((pattern) => pattern.test(error.message));
}
