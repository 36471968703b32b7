import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';

/** Login challenges (`login_challenges`): a nonce per device login attempt, used at most once. */

export async function insertChallenge(
  db: Queryable,
  deviceId: string,
  nonce: Uint8Array,
  expiresAt: Date,
): Promise<string> {
  const id = randomUUID();
  await db.query('INSERT INTO login_challenges (id, device_id, nonce, expires_at) VALUES ($1, $2, $3, $4)', [
    id,
    deviceId,
    nonce,
    expiresAt,
  ]);
  return id;
}

/** Deletes the challenge as it is read, so it can be used at most once. */
export async function takeChallenge(
  db: Queryable,
  challengeId: string,
  deviceId: string,
): Promise<{ nonce: Uint8Array; expiresAt: Date } | null> {
  const { rows } = await db.query<{ nonce: Uint8Array; expires_at: Date }>(
    'DELETE FROM login_challenges WHERE id = $1 AND device_id = $2 RETURNING nonce, expires_at',
    [challengeId, deviceId],
  );
  return rows[0] ? { nonce: rows[0].nonce, expiresAt: rows[0].expires_at } : null;
}
