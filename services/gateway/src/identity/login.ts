import { randomBytes, randomUUID } from 'node:crypto';
import type { Database } from '@spreekuur/db';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import {
  loginPayload,
  type ChallengeResult,
  type LoginResult,
  type Role,
} from '@spreekuur/protocol/identity';
import { issueAccessToken } from '@spreekuur/server';
import { verifyEd25519 } from './signatures.ts';

export const CHALLENGE_TTL_MS = 60_000;

type DeviceRow = {
  id: string;
  org_id: string;
  person_id: string;
  identity_key: Uint8Array;
  revoked_at: Date | null;
  role: Role;
};

async function findDevice(db: Database, deviceId: string): Promise<DeviceRow> {
  const { rows } = await db.query<DeviceRow>(
    `SELECT d.id, d.org_id, d.person_id, d.identity_key, d.revoked_at, p.role
       FROM devices d JOIN people p ON p.id = d.person_id AND p.org_id = d.org_id
      WHERE d.id = $1`,
    [deviceId],
  );
  const device = rows[0];
  if (!device) throw new AppError('ERR_NOT_FOUND', 'device not found');
  if (device.revoked_at) throw new AppError('ERR_AUTH_DEVICE_REVOKED');
  return device;
}

/** Step 1 of device login: a fresh 32-byte nonce, valid once, for 60 seconds. */
export async function createChallenge(db: Database, deviceId: string, now: Date): Promise<ChallengeResult> {
  await findDevice(db, deviceId);
  const id = randomUUID();
  const nonce = randomBytes(32);
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
  await db.query('INSERT INTO login_challenges (id, device_id, nonce, expires_at) VALUES ($1, $2, $3, $4)', [
    id,
    deviceId,
    nonce,
    expiresAt,
  ]);
  return { challengeId: id, nonce: toBase64Url(nonce), expiresAt: expiresAt.toISOString() };
}

/**
 * Step 2: the device signs the challenge with its identity key. The challenge is deleted
 * as it is read, so it can be used at most once, whether the signature is good or not.
 */
export async function login(
  db: Database,
  request: { deviceId: string; challengeId: string; signature: string },
  now: Date,
  tokenTtlSeconds: number,
): Promise<LoginResult> {
  const { rows } = await db.query<{ nonce: Uint8Array; expires_at: Date }>(
    'DELETE FROM login_challenges WHERE id = $1 AND device_id = $2 RETURNING nonce, expires_at',
    [request.challengeId, request.deviceId],
  );
  const challenge = rows[0];
  if (!challenge || challenge.expires_at <= now) throw new AppError('ERR_AUTH_CHALLENGE_INVALID');
  const device = await findDevice(db, request.deviceId);
  const signed = loginPayload(request.challengeId, request.deviceId, challenge.nonce);
  if (!verifyEd25519(device.identity_key, signed, fromBase64Url(request.signature))) {
    throw new AppError('ERR_AUTH_BAD_SIGNATURE');
  }
  return db.transaction(async (tx) => {
    const { token, expiresAt } = await issueAccessToken(
      tx,
      { orgId: device.org_id, personId: device.person_id, deviceId: device.id },
      tokenTtlSeconds,
      now,
    );
    await tx.query('UPDATE devices SET last_seen_at = $2 WHERE id = $1', [device.id, now]);
    return {
      accessToken: token,
      expiresAt: expiresAt.toISOString(),
      organisationId: device.org_id,
      personId: device.person_id,
      deviceId: device.id,
      role: device.role,
    };
  });
}
