import { createHash } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '@spreekuur/protocol/errors';

/**
 * Rate limiting with @fastify/rate-limit: counters in Redis when the deployment has it
 * (so all nodes count together), in process otherwise. Routes opt in through
 * `config: { rateLimit: { max, timeWindow } }`; nothing is limited globally.
 */
export const rateLimitPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(rateLimit, {
      global: false,
      ...(app.redis ? { redis: app.redis, nameSpace: `${app.config.REDIS_PREFIX}:rate-limit:` } : {}),
      // A Redis hiccup must not lock people out: let the request through.
      skipOnError: true,
      errorResponseBuilder: (_request, context) =>
        new AppError('ERR_RATE_LIMITED', 'rate limited', { retryAfter: Math.ceil(context.ttl / 1000) }),
    });
  },
  { name: 'spreekuur-rate-limit', dependencies: ['spreekuur-infrastructure'] },
);

/**
 * A rate-limit key per signed-in caller rather than per address (an office behind one NAT is
 * many people). Limits are checked before authentication runs, so this keys on a hash of the
 * bearer token (never the token itself: keys may live in Redis), or on the address without one.
 */
export function perCaller(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  return authorization
    ? `caller:${createHash('sha256').update(authorization).digest('base64url')}`
    : `ip:${request.ip}`;
}
