import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from './errors.ts';
import { migrate } from './migrate.ts';
import { loadMigrations } from './migrations.ts';
import { openDatabase } from './open.ts';
import { createTestDatabase, type TestDatabase } from './testing.ts';

describe(`database (${process.env.DATABASE_URL ? 'real PostgreSQL' : 'embedded'})`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(() => test.dispose());

  it('applies every migration once; running again changes nothing', async () => {
    const migrations = await loadMigrations();
    const tablesBefore = await test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = current_schema()`,
    );
    const again = await migrate(test.db, migrations, test.target.schema ?? 'public');
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toBe(migrations.length);
    const tablesAfter = await test.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_schema = current_schema()`,
    );
    expect(tablesAfter.rows[0]!.n).toBe(tablesBefore.rows[0]!.n);
  });

  it('refuses to start when an applied migration was edited', async () => {
    const migrations = await loadMigrations();
    const edited = migrations.map((m, i) => (i === 0 ? { ...m, checksum: 'edited' } : m));
    await expect(migrate(test.db, edited, test.target.schema ?? 'public')).rejects.toThrow(
      /changed after it was applied/,
    );
  });

  it('normalises types across adapters: int8 → number, bytea → Uint8Array, timestamptz → Date', async () => {
    const { rows } = await test.db.query<{ n: unknown; b: unknown; t: unknown }>(
      `SELECT 9007199254740991::int8 AS n, '\\x0102ff'::bytea AS b, now() AS t`,
    );
    expect(rows[0]!.n).toBe(9007199254740991);
    expect(rows[0]!.b).toBeInstanceOf(Uint8Array);
    expect(Array.from(rows[0]!.b as Uint8Array)).toEqual([1, 2, 255]);
    expect(rows[0]!.t).toBeInstanceOf(Date);
  });

  it('counts rows the same way on both adapters: selected, returned or changed', async () => {
    const slug = `count-${crypto.randomUUID().slice(0, 8)}`;
    const inserted = await test.db.query(`INSERT INTO organisations (id, name, slug) VALUES ($1, 'C', $2)`, [
      crypto.randomUUID(),
      slug,
    ]);
    expect(inserted.rowCount).toBe(1);
    const selected = await test.db.query('SELECT 1 FROM organisations WHERE slug = $1', [slug]);
    expect(selected.rowCount).toBe(1);
    const none = await test.db.query('SELECT 1 FROM organisations WHERE slug = $1', ['no-such-slug']);
    expect(none.rowCount).toBe(0);
    const updated = await test.db.query(`UPDATE organisations SET name = 'D' WHERE slug = $1`, [slug]);
    expect(updated.rowCount).toBe(1);
    const returned = await test.db.query(`DELETE FROM organisations WHERE slug = $1 RETURNING id`, [slug]);
    expect(returned.rowCount).toBe(1);
  });

  it('rolls a failed transaction back completely', async () => {
    const id = crypto.randomUUID();
    await expect(
      test.db.transaction(async (tx) => {
        await tx.query(`INSERT INTO organisations (id, name, slug) VALUES ($1, 'A', 'rollback-test')`, [id]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const { rows } = await test.db.query('SELECT 1 FROM organisations WHERE id = $1', [id]);
    expect(rows).toHaveLength(0);
  });

  it('reports unique violations with their constraint name', async () => {
    await test.db.query(`INSERT INTO organisations (id, name, slug) VALUES ($1, 'A', 'dupe-slug')`, [
      crypto.randomUUID(),
    ]);
    const error = await test.db
      .query(`INSERT INTO organisations (id, name, slug) VALUES ($1, 'B', 'dupe-slug')`, [
        crypto.randomUUID(),
      ])
      .catch((caught: unknown) => caught);
    expect(isUniqueViolation(error, 'organisations_slug_key')).toBe(true);
    expect(isUniqueViolation(error, 'some_other_key')).toBe(false);
  });

  it('refuses a team member whose person lives in another organisation', async () => {
    const [orgA, orgB, team, person] = [
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
      crypto.randomUUID(),
    ];
    await test.db.query(`INSERT INTO organisations (id, name, slug) VALUES ($1, 'A', $2), ($3, 'B', $4)`, [
      orgA,
      `org-a-${orgA.slice(0, 8)}`,
      orgB,
      `org-b-${orgB.slice(0, 8)}`,
    ]);
    await test.db.query(`INSERT INTO teams (id, org_id, name) VALUES ($1, $2, 'Team')`, [team, orgA]);
    await test.db.query(
      `INSERT INTO people (id, org_id, role, display_name) VALUES ($1, $2, 'worker', 'W')`,
      [person, orgB],
    );
    await expect(
      test.db.query(`INSERT INTO team_members (org_id, team_id, person_id) VALUES ($1, $2, $3)`, [
        orgA,
        team,
        person,
      ]),
    ).rejects.toThrow(/foreign key/);
  });
});

describe('embedded database on disk', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'spreekuur-db-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('keeps its data across a restart and does not migrate twice', async () => {
    const first = await openDatabase({ kind: 'embedded', dataDir });
    expect(first.migrations.applied.length).toBeGreaterThan(0);
    const id = crypto.randomUUID();
    await first.db.query(
      `INSERT INTO organisations (id, name, slug) VALUES ($1, 'Welzijn Noord', 'welzijn-noord')`,
      [id],
    );
    await first.db.close();

    const second = await openDatabase({ kind: 'embedded', dataDir });
    try {
      expect(second.migrations.applied).toEqual([]);
      const { rows } = await second.db.query<{ name: string }>(
        'SELECT name FROM organisations WHERE id = $1',
        [id],
      );
      expect(rows).toEqual([{ name: 'Welzijn Noord' }]);
    } finally {
      await second.db.close();
    }
  });
});
