import { randomBytes } from 'node:crypto';
import type { Database } from './database.ts';
import { openDatabase, type DatabaseTarget } from './open.ts';
import { createPostgresDatabase } from './postgres.ts';

export interface TestDatabase {
  db: Database;
  target: DatabaseTarget;
  /** Closes the database and removes everything the test created. */
  dispose(): Promise<void>;
}

/**
 * A fresh, migrated database for one test suite: a new schema on the real server when
 * `DATABASE_URL` is set (so parallel suites and CI passes never see each other's data),
 * otherwise an in-memory embedded database.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const target: DatabaseTarget = { kind: 'embedded' };
    const { db } = await openDatabase(target);
    return { db, target, dispose: () => db.close() };
  }
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const target: DatabaseTarget = { kind: 'postgres', url, schema, maxConnections: 5 };
  const { db } = await openDatabase(target);
  return {
    db,
    target,
    async dispose() {
      await db.close();
      const admin = createPostgresDatabase({ url, maxConnections: 1 });
      try {
        await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.close();
      }
    },
  };
}
