import { randomBytes } from 'node:crypto';
import { openDatabase, type Database, type DatabaseTarget } from '@spreekuur/db';
import { createTestDatabase } from '@spreekuur/db/testing';
import { createRedis } from '@spreekuur/server';

/**
 * The backends of one test suite: a fresh, migrated database and, when the run has Redis, a
 * key prefix of its own. Nodes of one cluster share one `TestBackends`; whoever made it
 * disposes it (after the nodes have closed).
 */
export interface TestBackends {
  db: Database;
  target: DatabaseTarget;
  /** Redis of this run (REDIS_URL), or undefined: in-process adapters. */
  redisUrl: string | undefined;
  /** Prefix of every key and stream the suite's nodes write: unique per `TestBackends`. */
  redisPrefix: string;
  /** Closes the database, drops its schema and deletes the Redis keys under the prefix. */
  dispose(): Promise<void>;
}

export interface BackendOptions {
  /**
   * Embedded PostgreSQL and in-process adapters even when DATABASE_URL / REDIS_URL are set
   * (the topology runner's `embedded`). Default: whatever this run's environment names.
   */
  embedded?: boolean;
}

/**
 * A new schema on real PostgreSQL when DATABASE_URL is set (so parallel suites and the two CI
 * passes never see each other's data), otherwise an in-memory embedded database; Redis when
 * REDIS_URL is set, under a prefix no other suite uses.
 */
export async function createTestBackends(options: BackendOptions = {}): Promise<TestBackends> {
  const database = options.embedded ? await embeddedDatabase() : await createTestDatabase();
  const redisUrl = options.embedded ? undefined : process.env.REDIS_URL || undefined;
  const redisPrefix = `test-${randomBytes(6).toString('hex')}`;
  return {
    db: database.db,
    target: database.target,
    redisUrl,
    redisPrefix,
    async dispose() {
      if (redisUrl) await deleteRedisKeys(redisUrl, redisPrefix);
      await database.dispose();
    },
  };
}

async function embeddedDatabase() {
  const target: DatabaseTarget = { kind: 'embedded' };
  const { db } = await openDatabase(target);
  return { db, target, dispose: () => db.close() };
}

async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = createRedis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}
