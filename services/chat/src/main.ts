import { loadConfigOrExit } from '@spreekuur/config';
import { databaseTargetFromConfig, openDatabase } from '@spreekuur/db';
import { createRedis, installGracefulShutdown } from '@spreekuur/server';
import { buildApp } from './app.ts';

// The chat service as its own process (`pnpm --filter @spreekuur/chat start`).
const config = loadConfigOrExit();
const { db } = await openDatabase(databaseTargetFromConfig(config));
const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
const app = await buildApp({ config, db, redis });

installGracefulShutdown(app, {
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  closeResources: async () => {
    await db.close();
    await redis?.quit();
  },
});

await app.listen({ host: config.HOST, port: config.PORT });
app.log.info({ publicUrl: config.PUBLIC_URL }, 'Spreekuur chat is ready');
