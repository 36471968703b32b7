import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '@spreekuur/protocol/errors';
import type { Role } from '@spreekuur/protocol/identity';
import { DeviceRequestLimit } from '../limits/device-request-limit.ts';
import { createRateLimiter, perMinute } from '../limits/index.ts';
import { resolveAccessToken } from './access-tokens.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` hook; read it through `principalOf(request)`. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /**
     * Hook (use onRequest): refuses the request unless it carries a valid access token, and
     * counts it against its device's limit (RATE_LIMIT_DEVICE_PER_MINUTE / _BURST).
     */
    authenticate: (request: FastifyRequest) => Promise<void>;
  }
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/** The caller of an authenticated route. Throws if used on a route without `authenticate`. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('ERR_UNAUTHENTICATED');
  return request.principal;
}

export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) throw new AppError('ERR_FORBIDDEN');
}

/** Batches of tokens a node takes from the shared (Redis) per-device bucket: one round trip per ten calls. */
const DEVICE_LIMIT_BATCH = 10;

export const authenticationPlugin = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    const now = () => app.clock().getTime();
    let lastRedisWarning = 0;
    const deviceLimit = new DeviceRequestLimit(
      createRateLimiter({
        name: 'rest-device',
        policy: perMinute(config.RATE_LIMIT_DEVICE_PER_MINUTE, config.RATE_LIMIT_DEVICE_BURST),
        redis: app.redis,
        redisPrefix: config.REDIS_PREFIX,
        batch: DEVICE_LIMIT_BATCH,
        now,
        onError: (error) => {
          // Once a minute at most: during an outage every request would say it again.
          if (now() - lastRedisWarning < 60_000) return;
          lastRedisWarning = now();
          app.log.warn({ err: error }, 'rate limits: Redis failed; limiting per node meanwhile');
        },
      }),
      now,
    );

    app.decorateRequest('principal', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw new AppError('ERR_UNAUTHENTICATED');
      deviceLimit.refuseIfRemembered(token);
      const principal = await resolveAccessToken(app.db, token, app.clock());
      if (!principal) throw new AppError('ERR_UNAUTHENTICATED');
      request.principal = principal;
      await deviceLimit.take(principal.deviceId, token);
    });
  },
  { name: 'spreekuur-authentication', dependencies: ['spreekuur-infrastructure'] },
);
