import { randomBytes } from 'node:crypto';
import type { Database } from '@spreekuur/db';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import { loginPayload, type ChallengeResult, type LoginResult } from '@spreekuur/protocol/identity';
import { issueAccessToken } from '@spreekuur/server';
import { verifyEd25519 } from './signatures.ts';
import { insertChallenge, takeChallenge } from './store/challenge-store.ts';
import { findLoginDevice, touchLastSeen, type LoginDevice } from './store/device-store.ts';

const CHALLENGE_TTL_MS = 60_000;

/** Device-key login: a single-use challenge, signed with the device's identity key, for a token. */
export class LoginService {
  constructor(private readonly deps: { db: Database; clock: () => Date; tokenTtlSeconds: number }) {}

  private async device(deviceId: string): Promise<LoginDevice> {
    const device = await findLoginDevice(this.deps.db, deviceId);
    if (!device) throw new AppError('ERR_NOT_FOUND', 'device not found');
    if (device.revoked_at) throw new AppError('ERR_AUTH_DEVICE_REVOKED');
    return device;
  }

  /** Step 1 of device login: a fresh 32-byte nonce, valid once, for 60 seconds. */
  async challenge(deviceId: string): Promise<ChallengeResult> {
    const now = this.deps.clock();
    await this.device(deviceId);
    const nonce = randomBytes(32);
    const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_MS);
    const challengeId = await insertChallenge(this.deps.db, deviceId, nonce, expiresAt);
    return { challengeId, nonce: toBase64Url(nonce), expiresAt: expiresAt.toISOString() };
  }

  /**
   * Step 2: the device signs the challenge with its identity key. The challenge is deleted
   * as it is read, so it can be used at most once, whether the signature is good or not.
   */
  async login(request: { deviceId: string; challengeId: string; signature: string }): Promise<LoginResult> {
    const now = this.deps.clock();
    const challenge = await takeChallenge(this.deps.db, request.challengeId, request.deviceId);
    if (!challenge || challenge.expiresAt <= now) throw new AppError('ERR_AUTH_CHALLENGE_INVALID');
    const device = await this.device(request.deviceId);
    const signed = loginPayload(request.challengeId, request.deviceId, challenge.nonce);
    if (!verifyEd25519(device.identity_key, signed, fromBase64Url(request.signature))) {
      throw new AppError('ERR_AUTH_BAD_SIGNATURE');
    }
    return this.deps.db.transaction(async (tx) => {
      const { token, expiresAt } = await issueAccessToken(
        tx,
        { orgId: device.org_id, personId: device.person_id, deviceId: device.id },
        this.deps.tokenTtlSeconds,
        now,
      );
      await touchLastSeen(tx, device.id, now);
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
}
