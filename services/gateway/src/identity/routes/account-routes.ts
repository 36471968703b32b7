import type { FastifyInstance } from 'fastify';
import { identityEndpoints as endpoints } from '@spreekuur/protocol/identity';
import { routeGroup } from '@spreekuur/server';
import type { IdentityServices } from '../services.ts';

/** The caller's account: their profile and devices, and codes to link another device. */
export async function accountRoutes(app: FastifyInstance, { people, devices }: IdentityServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.me, ({ principal }) => people.me(principal));
  routes.add(endpoints.listOwnDevices, async ({ principal }) => ({ devices: await devices.list(principal) }));
  routes.add(endpoints.revokeOwnDevice, ({ principal, params }) => devices.revoke(principal, params.id));
  routes.add(endpoints.createDeviceLink, ({ principal }) => devices.createLink(principal));
}
