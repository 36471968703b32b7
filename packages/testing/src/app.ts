import { Writable } from 'node:stream';
import { loadConfig, type Config } from '@spreekuur/config';
import type { Database } from '@spreekuur/db';
import { createRedis, type App, type ServerDeps } from '@spreekuur/server';
import { createTestBackends, type TestBackends } from './backends.ts';

/** What a service's `buildApp` gets in a test: the usual dependencies and a log stream to capture. */
export type TestAppDeps = ServerDeps & { clock: () => Date; logStream: NodeJS.WritableStream };

export interface TestAppOptions<A extends App> {
  /** Builds the service (its `buildApp`) from the test's dependencies. */
  build(deps: TestAppDeps): Promise<A>;
  /** Backends shared with other nodes of one cluster; they stay when this app closes. Default: its own. */
  backends?: TestBackends | undefined;
  /** Environment on top of the test defaults (as loadConfig reads it). */
  env?: Record<string, string | undefined> | undefined;
  /** The server's time before any `advanceClock`; default the real time. */
  clock?: (() => Date) | undefined;
  /** Wraps the database the app sees (e.g. to interleave its queries with the test's). */
  interpose?: ((db: Database) => Database) | undefined;
}

/** A service listening on 127.0.0.1 for one test suite. */
export interface TestApp<A extends App = App> {
  app: A;
  /** http://127.0.0.1:<port>, for sockets and SDK clients. */
  url: string;
  /** The suite's database (the one the app sees, unless `interpose` wrapped it). */
  db: Database;
  backends: TestBackends;
  redisPrefix: string;
  config: Config;
  /** Every log line the app wrote (JSON), to prove what is and is not logged. */
  logs: string[];
  /** The server's current time. */
  now(): Date;
  /** Moves the server's clock by `ms` (expiry rules); negative moves it back. */
  advanceClock(ms: number): void;
  /** Closes the app; then, unless the backends were passed in, drops its schema and Redis keys. */
  close(): Promise<void>;
}

/**
 * What every test app runs with unless the suite says otherwise. Socket limits are lifted: a
 * suite sends and reconnects far faster than a person, and the suites of the limits set them.
 */
const TEST_ENV = {
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  HOST: '127.0.0.1',
  PORT: '0',
  RATE_LIMIT_SOCKET_SENDS_PER_SECOND: '10000',
  RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: '10000',
  RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: '100000',
  // Moderation: a fixed franking tag key, so test apps write no key file into DATA_DIR.
  FRANKING_SERVER_KEY: 'dGVzdC1mcmFua2luZy1rZXktMzItYnl0ZXMtbG9uZyE',
} as const;

/**
 * Starts a service for a test on the backends this run uses (see createTestBackends), with its
 * logs captured, a clock the test can move, and a real port for socket.io and HTTP clients.
 */
export async function startTestApp<A extends App>(options: TestAppOptions<A>): Promise<TestApp<A>> {
  const owned = !options.backends;
  const backends = options.backends ?? (await createTestBackends());
  const config = loadConfig({
    ...TEST_ENV,
    REDIS_URL: backends.redisUrl,
    REDIS_PREFIX: backends.redisPrefix,
    ...options.env,
  });
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  const base = options.clock ?? (() => new Date());
  let offset = 0;
  const now = () => new Date(base().getTime() + offset);
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const db = options.interpose ? options.interpose(backends.db) : backends.db;
  let app: A;
  try {
    app = await options.build({ config, db, redis, clock: now, logStream });
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (error) {
    await redis?.quit();
    if (owned) await backends.dispose();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    db: backends.db,
    backends,
    redisPrefix: backends.redisPrefix,
    config,
    logs,
    now,
    advanceClock: (ms) => void (offset += ms),
    async close() {
      await app.close();
      await redis?.quit();
      if (owned) await backends.dispose();
    },
  };
}
