import { join } from 'node:path';
import type { Database } from './database.ts';
import { createEmbeddedDatabase } from './embedded.ts';
import { migrate, type MigrationReport } from './migrate.ts';
import { loadMigrations } from './migrations.ts';
import { createPostgresDatabase } from './postgres.ts';

export type DatabaseTarget =
  | { kind: 'postgres'; url: string; schema?: string | undefined; maxConnections?: number }
  | { kind: 'embedded'; dataDir?: string | undefined; schema?: string | undefined };

/** The target a configuration names: real PostgreSQL if `DATABASE_URL` is set, else embedded under `DATA_DIR`. */
export function databaseTargetFromConfig(config: {
  DATABASE_URL?: string | undefined;
  DATABASE_SCHEMA?: string | undefined;
  DATA_DIR: string;
}): DatabaseTarget {
  return config.DATABASE_URL
    ? { kind: 'postgres', url: config.DATABASE_URL, schema: config.DATABASE_SCHEMA }
    : { kind: 'embedded', dataDir: join(config.DATA_DIR, 'postgres'), schema: config.DATABASE_SCHEMA };
}

export interface OpenedDatabase {
  db: Database;
  migrations: MigrationReport;
}

/** Opens the database and runs pending migrations before anything else may use it. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenedDatabase> {
  const db =
    target.kind === 'postgres'
      ? createPostgresDatabase(target)
      : await createEmbeddedDatabase({ dataDir: target.dataDir, schema: target.schema });
  try {
    const report = await migrate(db, await loadMigrations(), target.schema ?? 'public');
    return { db, migrations: report };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
