import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from './postgres.ts';

/**
 * Regression, found by the fault suite (a gateway node died during a PostgreSQL restart): a
 * connection cut while a client is checked out, between two queries of a transaction, emitted
 * an 'error' event nobody listened to, which ends a Node process.
 */
describe.runIf(process.env.DATABASE_URL)('a PostgreSQL connection cut during a transaction', () => {
  it('fails that transaction only; the process and the pool carry on', async () => {
    const url = process.env.DATABASE_URL!;
    const db = createPostgresDatabase({ url, maxConnections: 2 });
    const admin = createPostgresDatabase({ url, maxConnections: 1 });
    try {
      const attempt = db.transaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        // The server's goodbye arrives while the client is checked out but idle.
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.query('SELECT 1');
      });
      await expect(attempt).rejects.toThrow();
      for (let i = 0; i < 3; i++) {
        expect((await db.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
      }
    } finally {
      await admin.close();
      await db.close();
    }
  });
});
