import type { FastifyInstance } from 'fastify';
import { loadConfigOrExit, type Config } from '@spreekuur/config';
import {
  databaseTargetFromConfig,
  openDatabase,
  type DatabaseTarget,
  type MigrationReport,
} from '@spreekuur/db';
import type { ServerDeps } from './infrastructure.ts';
import { createRedis } from './redis.ts';
import { installGracefulShutdown } from './shutdown.ts';

export interface StartedService<App extends FastifyInstance> {
  app: App;
  config: Config;
  target: DatabaseTarget;
  migrations: MigrationReport;
}

/**
 * What every service's `main.ts` does: read the environment (one clear line and exit on a
 * mistake), open and migrate the database, connect Redis if configured, build the app,
 * arrange a graceful shutdown, listen.
 */
export async function startService<App extends FastifyInstance>(
  name: string,
  build: (deps: ServerDeps & { config: Config }) => Promise<App>,
): Promise<StartedService<App>> {
  const config = loadConfigOrExit();
  const target = databaseTargetFromConfig(config);
  const { db, migrations } = await openDatabase(target);
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  const app = await build({ config, db, redis });
  installGracefulShutdown(app, {
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    closeResources: async () => {
      await db.close();
      await redis?.quit();
    },
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  app.log.info(
    {
      database: target.kind === 'postgres' ? 'postgres' : `embedded (${target.dataDir})`,
      redis: redis ? 'redis' : 'in-process',
      migrationsApplied: migrations.applied.length,
      publicUrl: config.PUBLIC_URL,
    },
    `${name} is ready`,
  );
  return { app, config, target, migrations };
}
