import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfigOrExit, type Config } from '@spreekuur/config';
import {
  DataDirLockedError,
  databaseTargetFromConfig,
  openDatabase,
  restrictToOwner,
  type DatabaseTarget,
  type MigrationReport,
} from '@spreekuur/db';
import type { ServerDeps } from './infrastructure.ts';
import { createRedis, logRedisConnection } from './redis.ts';
import { installGracefulShutdown } from './shutdown.ts';

/**
 * An earlier version, or a copy, may have left DATA_DIR open to others: fixes it quietly and
 * says how many paths it changed. Only what Spreekuur keeps there is touched (the directory,
 * the operator token, the embedded database), in case DATA_DIR is shared with other files.
 */
async function makeDataDirPrivate(dataDir: string, target: DatabaseTarget): Promise<number> {
  let changed = await restrictToOwner(dataDir, 0);
  changed += await restrictToOwner(join(dataDir, 'operator-token'), 0);
  if (target.kind === 'embedded' && target.dataDir) changed += await restrictToOwner(target.dataDir);
  return changed;
}

/** A start-up failure a person can fix: one line saying what is wrong and what to do, no stack. */
function exitWith(code: number, line: string): never {
  console.error(line);
  process.exit(code);
}

export interface StartedService<App extends FastifyInstance> {
  app: App;
  config: Config;
  target: DatabaseTarget;
  migrations: MigrationReport;
}

/**
 * What every service's `main.ts` does: read the environment (one clear line and exit on a
 * mistake), keep DATA_DIR private, open and migrate the database, connect Redis if
 * configured, build the app, arrange a graceful shutdown, listen.
 */
export async function startService<App extends FastifyInstance>(
  name: string,
  build: (deps: ServerDeps & { config: Config }) => Promise<App>,
): Promise<StartedService<App>> {
  // Whatever this process creates (DATA_DIR, database files, the operator token) is its
  // user's alone: directories 0700, files 0600.
  process.umask(0o077);
  const config = loadConfigOrExit();
  const target = databaseTargetFromConfig(config);
  const madePrivate = await makeDataDirPrivate(config.DATA_DIR, target);
  const { db, migrations } = await openDatabase(target).catch((error: unknown) => {
    if (!(error instanceof DataDirLockedError)) throw error;
    return exitWith(73, `Cannot start: DATA_DIR ${error.message}.`); // EX_CANTCREAT
  });
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  const app = await build({ config, db, redis });
  if (redis) logRedisConnection(redis, app.log);
  installGracefulShutdown(app, {
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    closeResources: async () => {
      await db.close();
      await redis?.quit();
    },
  });
  if (madePrivate > 0) {
    app.log.warn(
      { dataDir: config.DATA_DIR, fixed: madePrivate },
      `DATA_DIR had ${madePrivate} files or directories others could read or write; made them private`,
    );
  }
  await app.listen({ host: config.HOST, port: config.PORT }).catch(async (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    await app.close().catch(() => undefined);
    return exitWith(
      75, // EX_TEMPFAIL
      `Cannot start: port ${config.PORT} on ${config.HOST} is already in use (another Spreekuur server?). Stop it, or set PORT to a free port.`,
    );
  });
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
