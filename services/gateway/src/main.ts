import { loadConfigOrExit } from '@spreekuur/config';
import { databaseTargetFromConfig, openDatabase } from '@spreekuur/db';
import { createRedis, installGracefulShutdown } from '@spreekuur/server';
import { buildApp } from './app.ts';
import { resolveOperatorToken, operatorTokenFile } from './operator/operator-token.ts';

const config = loadConfigOrExit();
const target = databaseTargetFromConfig(config);
const { db, migrations } = await openDatabase(target);
const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
const operatorToken = await resolveOperatorToken(config);

const app = await buildApp({ config, db, redis, operatorToken });
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
    operatorToken: config.OPERATOR_TOKEN ? 'from OPERATOR_TOKEN' : operatorTokenFile(config.DATA_DIR),
  },
  'Spreekuur is ready',
);

const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM organisations');
if (rows[0]?.n === 0) {
  app.log.info(
    'No organisation yet. Create the first one with: pnpm spreekuur operator create-org --name "Welzijn Noord" --slug welzijn-noord',
  );
}
