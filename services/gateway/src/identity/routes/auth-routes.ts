import type { FastifyInstance } from 'fastify';
import { authEndpoints as endpoints } from '@spreekuur/protocol/identity';
import { routeGroup } from '@spreekuur/server';
import type { IdentityServices } from '../services.ts';

/** Public: registration with an invite code and device-key login, limited per client address. */
export async function authRoutes(app: FastifyInstance, { invites, login }: IdentityServices) {
  const routes = routeGroup(app);
  const perAddress = { rateLimit: { max: app.config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: '1 minute' } };
  routes.add(endpoints.register, ({ body }) => invites.redeem(body), perAddress);
  routes.add(endpoints.challenge, ({ body }) => login.challenge(body.deviceId), perAddress);
  routes.add(endpoints.login, ({ body }) => login.login(body), perAddress);
}
