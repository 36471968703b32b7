import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import type { Role } from '@spreekuur/protocol/identity';
import type { Principal } from './principal.ts';

/**
 * Access tokens are opaque random strings; only their SHA-256 is stored. Every use looks
 * the token up together with its device, so revoking a device takes effect on the very
 * next request (no signed token that stays valid until it expires).
 */
export function hashToken(token: string): Uint8Array {
  return createHash('sha256').update(token).digest();
}

function newAccessToken(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

export async function issueAccessToken(
  tx: Queryable,
  subject: { orgId: string; personId: string; deviceId: string },
  ttlSeconds: number,
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newAccessToken();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
  await tx.query(
    `INSERT INTO access_tokens (token_hash, org_id, person_id, device_id, expires_at) VALUES ($1, $2, $3, $4, $5)`,
    [hashToken(token), subject.orgId, subject.personId, subject.deviceId, expiresAt],
  );
  return { token, expiresAt };
}

export async function resolveAccessToken(db: Queryable, token: string, now: Date): Promise<Principal | null> {
  if (!/^sk_[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const { rows } = await db.query<{
    org_id: string;
    person_id: string;
    device_id: string;
    role: Role;
    expires_at: Date;
  }>(
    `SELECT t.org_id, t.person_id, t.device_id, p.role, t.expires_at
       FROM access_tokens t
       JOIN devices d ON d.id = t.device_id AND d.org_id = t.org_id
       JOIN people p ON p.id = t.person_id AND p.org_id = t.org_id
      WHERE t.token_hash = $1 AND t.expires_at > $2 AND d.revoked_at IS NULL`,
    [hashToken(token), now],
  );
  const row = rows[0];
  if (!row) return null;
  return {
    orgId: row.org_id,
    personId: row.person_id,
    deviceId: row.device_id,
    role: row.role,
    tokenExpiresAt: row.expires_at,
  };
}

export async function revokeAccessToken(db: Queryable, token: string): Promise<void> {
  await db.query('DELETE FROM access_tokens WHERE token_hash = $1', [hashToken(token)]);
}

export async function revokeDeviceTokens(db: Queryable, deviceId: string): Promise<void> {
  await db.query('DELETE FROM access_tokens WHERE device_id = $1', [deviceId]);
}

/** Removes expired tokens and challenges; run periodically. */
export async function purgeExpiredCredentials(db: Queryable, now: Date): Promise<void> {
  await db.query('DELETE FROM access_tokens WHERE expires_at <= $1', [now]);
  await db.query('DELETE FROM login_challenges WHERE expires_at <= $1', [now]);
}
