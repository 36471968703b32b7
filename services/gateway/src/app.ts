import swaggerUi from '@fastify/swagger-ui';
import { chatService } from '@spreekuur/chat';
import { schedulingService } from '@spreekuur/scheduling';
import { createServer, purgeExpiredCredentials, type ServerDeps } from '@spreekuur/server';
import { identityRoutes } from './identity/plugin.ts';
import { createIdentityServices } from './identity/services.ts';
import { operatorRoutes } from './operator/operator-routes.ts';
import { privacyService } from './privacy/plugin.ts';

export interface GatewayDeps extends ServerDeps {
  operatorToken: string;
  /** Tests capture logs here (e.g. to prove no secret or plaintext is logged). */
  logStream?: NodeJS.WritableStream;
}

const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The public edge: one HTTP server with the REST API, socket.io, the OpenAPI document
 * and (later) the web app. Services are mounted as encapsulated plugins.
 */
export async function buildApp(deps: GatewayDeps) {
  const app = await createServer(deps, {
    title: 'Spreekuur',
    ...(deps.logStream ? { logStream: deps.logStream } : {}),
  });

  const identity = createIdentityServices({
    db: app.db,
    clock: () => app.clock(),
    realtime: app.realtime,
    config: app.config,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(operatorRoutes, {
    operatorToken: deps.operatorToken,
    organisations: identity.organisations,
  });
  await app.register(identityRoutes, { services: identity });
  await app.register(chatService);
  await app.register(schedulingService);
  await privacyService(app);

  const housekeeping = setInterval(() => {
    purgeExpiredCredentials(app.db, app.clock()).catch((error: unknown) =>
      app.log.warn({ err: error }, 'purging expired credentials failed'),
    );
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  app.addHook('onClose', async () => clearInterval(housekeeping));

  return app;
}
