import { loadConfigOrExit } from '@spreekuur/config';
import { databaseTargetFromConfig, openDatabase } from '@spreekuur/db';
import { createRedis } from '@spreekuur/server';
import { buildApp } from './app.ts';

// The scheduling service as its own process (`pnpm --filter @spreekuur/scheduling start`).
const config = loadConfigOrExit();
const { db } = await openDatabase(databaseTargetFromConfig(config));
const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
const app = await buildApp({ config, db, redis });

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down');
  const deadline = setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS);
  deadline.unref();
  app
    .close()
    .then(async () => {
      await db.close();
      await redis?.quit();
      process.exit(0);
    })
    .catch((error: unknown) => {
      app.log.error({ err: error }, 'shutdown failed');
      process.exit(1);
    });
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));

await app.listen({ host: config.HOST, port: config.PORT });
app.log.info({ publicUrl: config.PUBLIC_URL }, 'Spreekuur scheduling is ready');
