import type { Database } from './database.ts';
import type { Migration } from './migrations.ts';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export interface MigrationReport {
  applied: Array<{ version: number; name: string }>;
  alreadyApplied: number;
}

/**
 * Brings the schema up to date. Several nodes may start at once: a session-level
 * advisory lock (keyed by schema) lets exactly one of them migrate while the others wait,
 * then find nothing left to do. Each migration runs in its own transaction.
 */
export async function migrate(
  db: Database,
  migrations: readonly Migration[],
  schema = 'public',
): Promise<MigrationReport> {
  return db.withSession(async (session) => {
    await session.query('SELECT pg_advisory_lock(hashtext($1))', [`spreekuur:migrate:${schema}`]);
    try {
      if (schema !== 'public') await session.exec(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await session.exec(`
        CREATE TABLE IF NOT EXISTS schema_migrations (
          version integer PRIMARY KEY,
          name text NOT NULL,
          checksum text NOT NULL,
          applied_at timestamptz NOT NULL DEFAULT now()
        )`);
      const { rows } = await session.query<{ version: number; name: string; checksum: string }>(
        'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
      );
      const known = new Map(migrations.map((migration) => [migration.version, migration]));
      for (const row of rows) {
        const migration = known.get(row.version);
        if (!migration) {
          throw new MigrationError(
            `The database has migration ${row.version} (${row.name}) that this version does not know: is an older release running against a newer database?`,
          );
        }
        if (migration.checksum !== row.checksum) {
          throw new MigrationError(
            `Migration ${row.version} (${row.name}) was changed after it was applied; add a new migration instead.`,
          );
        }
      }
      const done = new Set(rows.map((row) => row.version));
      const applied: MigrationReport['applied'] = [];
      for (const migration of migrations) {
        if (done.has(migration.version)) continue;
        await session.transaction(async (tx) => {
          await tx.exec(migration.sql);
          await tx.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
            migration.version,
            migration.name,
            migration.checksum,
          ]);
        });
        applied.push({ version: migration.version, name: migration.name });
      }
      return { applied, alreadyApplied: rows.length };
    } finally {
      await session.query('SELECT pg_advisory_unlock(hashtext($1))', [`spreekuur:migrate:${schema}`]);
    }
  });
}
