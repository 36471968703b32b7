import swaggerUi from '@fastify/swagger-ui';
import { chatService } from '@spreekuur/chat';
import { schedulingService } from '@spreekuur/scheduling';
import { createServer, purgeExpiredCredentials, type ServerDeps } from '@spreekuur/server';
import { identityRoutes } from './identity/plugin.ts';
import { createIdentityServices } from './identity/services.ts';
import { operatorRoutes } from './operator/operator-routes.ts';
import { privacyService } from './privacy/plugin.ts';
import { securityHeaders, webApp } from './web/index.ts';

export interface GatewayDeps extends ServerDeps {
  operatorToken: string;
  /** Tests capture logs here (e.g. to prove no secret or plaintext is logged). */
  logStream?: NodeJS.WritableStream;
  /** The built web app to serve at `/`; default packages/web/dist. */
  webDistDir?: string;
}

const HOUSEKEEPING_INTERVAL_MS = 10 * 60 * 1000;

/**
 * The public edge: one HTTP server with the REST API, socket.io, the OpenAPI document
 * and the web app (with the security headers of both). Services are mounted as encapsulated plugins.
 */
export async function buildApp(deps: GatewayDeps) {
  const app = await createServer(deps, {
    title: 'Spreekuur',
    ...(deps.logStream ? { logStream: deps.logStream } : {}),
  });

  securityHeaders(app, { publicUrl: app.config.PUBLIC_URL });

  const identity = createIdentityServices({
    db: app.db,
    clock: () => app.clock(),
    realtime: app.realtime,
    config: app.config,
    // Chat is registered below; by the time anyone leaves a team it is there.
    teamLeft: (orgId, teamId, personId) => app.chat.teamLeft(orgId, teamId, personId),
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
  await app.register(webApp, deps.webDistDir ? { distDir: deps.webDistDir } : {});

  const housekeeping = setInterval(() => {
    purgeExpiredCredentials(app.db, app.clock()).catch((error: unknown) =>
      app.log.warn({ err: error }, 'purging expired credentials failed'),
    );
  }, HOUSEKEEPING_INTERVAL_MS);
  housekeeping.unref();
  app.addHook('onClose', async () => clearInterval(housekeeping));

  return app;
}
