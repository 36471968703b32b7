import type { FastifyInstance } from 'fastify';
import { keyEndpoints as endpoints } from '@spreekuur/protocol/chat';
import { perDeviceRateLimit, routeGroup } from '@spreekuur/server';
import type { ChatServices } from '../services.ts';

const BUNDLE_FETCHES_PER_MINUTE = 60;

/** The key directory: a device's own prekeys, and other devices' bundles. */
export async function keyRoutes(app: FastifyInstance, { keys }: ChatServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.publishSignedPrekeys, ({ principal, body }) =>
    keys.publishSignedPrekeys(principal, body),
  );
  routes.add(endpoints.addOneTimePrekeys, async ({ principal, body }) => ({
    oneTimePrekeys: await keys.addOneTimePrekeys(principal, body.prekeys),
  }));
  routes.add(endpoints.status, ({ principal }) => keys.status(principal));
  // Each call uses up one-time prekeys of other people's devices; a client needs a few calls
  // per conversation it starts (up to 200 devices each), never a stream of them.
  routes.add(
    endpoints.fetchBundles,
    async ({ principal, body }) => ({ bundles: await keys.fetchBundles(principal, body.deviceIds) }),
    { rateLimit: perDeviceRateLimit(BUNDLE_FETCHES_PER_MINUTE, '1 minute') },
  );
  routes.add(endpoints.publishCertificate, ({ principal, body }) => keys.publishCertificate(principal, body));
  routes.add(endpoints.fetchCertificates, async ({ principal, body }) => ({
    certificates: await keys.certificates(principal, body.deviceIds),
  }));
}
