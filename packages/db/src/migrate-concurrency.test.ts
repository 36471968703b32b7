import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { migrate } from './migrate.ts';
import { loadMigrations } from './migrations.ts';
import { createPostgresDatabase } from './postgres.ts';

const url = process.env.DATABASE_URL;

// Only a real server has several connections that can race; embedded PostgreSQL is one
// in-process connection, so this scenario cannot arise there.
describe.runIf(url)('migrations on real PostgreSQL', () => {
  it('lets exactly one of several nodes starting together apply them', async () => {
    const schema = `test_${randomBytes(6).toString('hex')}`;
    const migrations = await loadMigrations();
    const nodes = [1, 2, 3].map(() => createPostgresDatabase({ url: url!, schema, maxConnections: 2 }));
    try {
      const reports = await Promise.all(nodes.map((db) => migrate(db, migrations, schema)));
      const appliedCounts = reports.map((report) => report.applied.length).sort();
      expect(appliedCounts).toEqual([0, 0, migrations.length]);
      const { rows } = await nodes[0]!.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM schema_migrations',
      );
      expect(rows[0]!.n).toBe(migrations.length);
    } finally {
      await nodes[0]!.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await Promise.all(nodes.map((db) => db.close()));
    }
  });
});
