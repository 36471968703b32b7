import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import type { Config } from '@spreekuur/config';
import type { Database } from '@spreekuur/db';

/** What a server needs from the outside world; tests pass their own. */
export interface ServerDeps {
  config: Config;
  db: Database;
  /** Present in scaled mode (REDIS_URL); absent means in-process adapters. */
  redis?: Redis | undefined;
  /** Injectable time for tests of expiry rules. */
  clock?: () => Date;
}

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    db: Database;
    redis: Redis | null;
    clock: () => Date;
  }
}

/** Decorates the shared infrastructure once, for every encapsulated service plugin. */
export const infrastructurePlugin = fp(
  async (app: FastifyInstance, deps: ServerDeps) => {
    app.decorate('config', deps.config);
    app.decorate('db', deps.db);
    app.decorate('redis', deps.redis ?? null);
    app.decorate('clock', deps.clock ?? (() => new Date()));
  },
  { name: 'spreekuur-infrastructure' },
);
