import type { Queryable } from '@spreekuur/db';

/**
 * A fingerprint of every table of the suite's schema (row count and a hash of the rows), to
 * prove that refused requests changed nothing. `volatile` tables are left out: they change on
 * every request by design (say why where it is used).
 */
export async function databaseFingerprint(
  db: Queryable,
  volatile: readonly string[] = [],
): Promise<Record<string, string>> {
  const { rows: tables } = await db.query<{ name: string }>(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
  );
  const fingerprint: Record<string, string> = {};
  for (const { name } of tables) {
    if (volatile.includes(name)) continue;
    const { rows } = await db.query<{ n: number; digest: string | null }>(
      `SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM "${name}" t`,
    );
    fingerprint[name] = `${rows[0]?.n ?? 0}:${rows[0]?.digest ?? ''}`;
  }
  return fingerprint;
}
