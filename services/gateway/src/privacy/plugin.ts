import type { FastifyInstance } from 'fastify';
import { privacyRoutes } from './routes/privacy-routes.ts';
import { createPrivacyServices, type PrivacyServices } from './services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    privacy: PrivacyServices;
  }
}

/** The retention job runs hourly; each run holds the advisory lock per batch (one node at a time). */
const RETENTION_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Privacy duties (docs/privacy.md): retention settings and the job that applies them, the audit
 * log people can read, export and erasure, encrypted key backups. Composition root; called on
 * the root instance (not encapsulated) so that `app.privacy` is there for the operator and tests.
 */
export async function privacyService(app: FastifyInstance): Promise<void> {
  const services = createPrivacyServices({ db: app.db, clock: () => app.clock(), realtime: app.realtime });
  app.decorate('privacy', services);

  const timer = setInterval(() => {
    services.retention
      .runAll()
      .then((run) => app.log.info({ retention: run }, 'retention run'))
      .catch((error: unknown) => app.log.warn({ err: error }, 'retention run failed'));
  }, RETENTION_INTERVAL_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));

  await app.register(async (scope) => privacyRoutes(scope, services));
}
