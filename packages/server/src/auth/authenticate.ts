import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '@spreekuur/protocol/errors';
import type { Role } from '@spreekuur/protocol/identity';
import { resolveAccessToken } from './access-tokens.ts';
import type { Principal } from './principal.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the `authenticate` hook; read it through `principalOf(request)`. */
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Hook (use onRequest): refuses the request unless it carries a valid access token. */
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

export const authenticationPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorateRequest('principal', null);
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = bearerToken(request.headers.authorization);
      if (!token) throw new AppError('ERR_UNAUTHENTICATED');
      const principal = await resolveAccessToken(app.db, token, app.clock());
      if (!principal) throw new AppError('ERR_UNAUTHENTICATED');
      request.principal = principal;
    });
  },
  { name: 'spreekuur-authentication', dependencies: ['spreekuur-infrastructure'] },
);
