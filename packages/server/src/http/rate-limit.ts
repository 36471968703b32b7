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
 * A route limit per signed-in device, for `config: { rateLimit: perDeviceRateLimit(…) }` on
 * an authenticated route. It runs as a preHandler, after authentication, and keys on the
 * device the token resolved to: never on the Authorization header's text, of which every
 * spelling (`bearer`, a double space, a tab) would otherwise get a bucket of its own.
 */
export function perDeviceRateLimit(max: number, timeWindow: string | number) {
  return { max, timeWindow, hook: 'preHandler' as const, keyGenerator: perDevice };
}

/** The signed-in device; the address only on a route that (wrongly) does not authenticate. */
export function perDevice(request: FastifyRequest): string {
  return request.principal ? `device:${request.principal.deviceId}` : `ip:${request.ip}`;
}
