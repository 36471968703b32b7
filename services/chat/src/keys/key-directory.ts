import type { Database, Queryable } from '@spreekuur/db';
import { ONE_TIME_PREKEYS_LOW, ONE_TIME_PREKEYS_MAX, type PrekeyBundle } from '@spreekuur/protocol/chat';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { Principal, RateLimiter, RatePolicy } from '@spreekuur/server';
import { personFacts, shareAChannel } from '../channels/channel-store.ts';
import { mayFetchKeysOf } from '../domain/contact-policy.ts';

type SignedKey = { id: number; publicKey: string; signature: string };

/**
 * How many of a device's one-time prekeys one other device may be handed: 5 an hour. A client
 * needs one per session it starts with a device, so this is plenty; beyond it the bundle
 * comes without a one-time prekey, which the protocol allows (packages/crypto/SPEC.md), so
 * nobody can drain another device's prekeys, and a caller that asks again still gets a bundle.
 */
export const ONE_TIME_PREKEY_CLAIMS: RatePolicy = { burst: 5, refillPerSecond: 5 / 3600 };

/**
 * Public prekeys of devices, so others can start an encrypted session with a device that is
 * offline. The server cannot check what the keys are for; clients verify every signature
 * against the device's identity key (packages/crypto/SPEC.md).
 */
export class KeyDirectory {
  constructor(
    private readonly db: Database,
    /** Told when a device should upload more one-time prekeys. */
    private readonly onLow: (deviceId: string, remaining: number) => void,
    /** One-time prekeys handed out per (caller device, target device), see ONE_TIME_PREKEY_CLAIMS. */
    private readonly claims: RateLimiter,
  ) {}

  async publishSignedPrekeys(
    principal: Principal,
    keys: { signedPrekey: SignedKey; kemPrekey: SignedKey },
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO device_signed_prekeys (device_id, org_id, signed_prekey_id, signed_prekey, signed_prekey_signature,
                                          kem_prekey_id, kem_prekey, kem_prekey_signature, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (device_id) DO UPDATE SET
         signed_prekey_id = EXCLUDED.signed_prekey_id, signed_prekey = EXCLUDED.signed_prekey,
         signed_prekey_signature = EXCLUDED.signed_prekey_signature, kem_prekey_id = EXCLUDED.kem_prekey_id,
         kem_prekey = EXCLUDED.kem_prekey, kem_prekey_signature = EXCLUDED.kem_prekey_signature, updated_at = now()`,
      [
        principal.deviceId,
        principal.orgId,
        keys.signedPrekey.id,
        fromBase64Url(keys.signedPrekey.publicKey),
        fromBase64Url(keys.signedPrekey.signature),
        keys.kemPrekey.id,
        fromBase64Url(keys.kemPrekey.publicKey),
        fromBase64Url(keys.kemPrekey.signature),
      ],
    );
  }

  async addOneTimePrekeys(
    principal: Principal,
    prekeys: ReadonlyArray<{ id: number; publicKey: string }>,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      const count = await countOneTimePrekeys(tx, principal.deviceId);
      if (count + prekeys.length > ONE_TIME_PREKEYS_MAX) {
        throw new AppError('ERR_BAD_REQUEST', 'too many prekeys', {
          issues: [
            {
              path: ['body', 'prekeys'],
              message: `a device holds at most ${ONE_TIME_PREKEYS_MAX}; it has ${count}`,
            },
          ],
        });
      }
      for (const prekey of prekeys) {
        await tx.query(
          `INSERT INTO device_one_time_prekeys (device_id, key_id, public_key) VALUES ($1, $2, $3)
           ON CONFLICT (device_id, key_id) DO NOTHING`,
          [principal.deviceId, prekey.id, fromBase64Url(prekey.publicKey)],
        );
      }
      return countOneTimePrekeys(tx, principal.deviceId);
    });
  }

  /**
   * Tells a device that just connected if it is low on one-time prekeys: the push sent when
   * they ran low reaches only devices online at that moment.
   */
  async remindIfLow(deviceId: string, tell: (remaining: number) => void): Promise<void> {
    const remaining = await countOneTimePrekeys(this.db, deviceId);
    if (remaining < ONE_TIME_PREKEYS_LOW) tell(remaining);
  }

  async status(principal: Principal) {
    const { rows } = await this.db.query<{ signed_prekey_id: number; kem_prekey_id: number }>(
      'SELECT signed_prekey_id, kem_prekey_id FROM device_signed_prekeys WHERE device_id = $1',
      [principal.deviceId],
    );
    return {
      oneTimePrekeys: await countOneTimePrekeys(this.db, principal.deviceId),
      signedPrekeyId: rows[0]?.signed_prekey_id ?? null,
      kemPrekeyId: rows[0]?.kem_prekey_id ?? null,
      lowWatermark: ONE_TIME_PREKEYS_LOW,
    };
  }

  /**
   * Bundles for the given devices, each with one one-time prekey that is deleted as it is
   * handed out (FOR UPDATE SKIP LOCKED: concurrent fetches never get the same key), unless
   * the caller was handed that device's one-time prekeys too often lately.
   */
  async fetchBundles(principal: Principal, deviceIds: readonly string[]): Promise<PrekeyBundle[]> {
    const { rows: devices } = await this.db.query<{
      id: string;
      person_id: string;
      identity_key: Uint8Array;
    }>(
      'SELECT id, person_id, identity_key FROM devices WHERE id = ANY($1::uuid[]) AND org_id = $2 AND revoked_at IS NULL',
      [deviceIds, principal.orgId],
    );
    if (devices.length !== new Set(deviceIds).size) throw new AppError('ERR_NOT_FOUND', 'device not found');
    const people = [...new Set(devices.map((device) => device.person_id))];
    const facts = await personFacts(this.db, principal.orgId, [principal.personId, ...people]);
    for (const personId of people) {
      const allowed = mayFetchKeysOf(
        facts.get(principal.personId)!,
        facts.get(personId)!,
        await shareAChannel(this.db, principal.personId, personId),
      );
      if (!allowed) throw new AppError('ERR_CHAT_CONTACT_NOT_ALLOWED');
    }

    // Every check before the first one-time prekey is claimed: a refused request uses up nothing.
    const { rows: signedRows } = await this.db.query<{
      device_id: string;
      signed_prekey_id: number;
      signed_prekey: Uint8Array;
      signed_prekey_signature: Uint8Array;
      kem_prekey_id: number;
      kem_prekey: Uint8Array;
      kem_prekey_signature: Uint8Array;
    }>('SELECT * FROM device_signed_prekeys WHERE device_id = ANY($1::uuid[])', [
      devices.map((device) => device.id),
    ]);
    const signedByDevice = new Map(signedRows.map((row) => [row.device_id, row]));
    if (devices.some((device) => !signedByDevice.has(device.id)))
      throw new AppError('ERR_KEYS_NOT_PUBLISHED');

    const bundles: PrekeyBundle[] = [];
    for (const device of devices) {
      const signed = signedByDevice.get(device.id)!;
      const oneTime = (await this.claims.take(`${principal.deviceId}:${device.id}`)).ok
        ? await this.claimOneTimePrekey(device.id)
        : undefined;
      bundles.push({
        deviceId: device.id,
        personId: device.person_id,
        identityKey: toBase64Url(device.identity_key),
        signedPrekey: {
          id: signed.signed_prekey_id,
          publicKey: toBase64Url(signed.signed_prekey),
          signature: toBase64Url(signed.signed_prekey_signature),
        },
        kemPrekey: {
          id: signed.kem_prekey_id,
          publicKey: toBase64Url(signed.kem_prekey),
          signature: toBase64Url(signed.kem_prekey_signature),
        },
        oneTimePrekey: oneTime ? { id: oneTime.key_id, publicKey: toBase64Url(oneTime.public_key) } : null,
      });
    }
    return bundles;
  }

  private async claimOneTimePrekey(deviceId: string) {
    const claimed = await this.db.query<{ key_id: number; public_key: Uint8Array }>(
      `DELETE FROM device_one_time_prekeys
        WHERE (device_id, key_id) = (SELECT device_id, key_id FROM device_one_time_prekeys
                                      WHERE device_id = $1 ORDER BY key_id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING key_id, public_key`,
      [deviceId],
    );
    const remaining = await countOneTimePrekeys(this.db, deviceId);
    if (remaining < ONE_TIME_PREKEYS_LOW) this.onLow(deviceId, remaining);
    return claimed.rows[0];
  }
}

async function countOneTimePrekeys(db: Queryable, deviceId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM device_one_time_prekeys WHERE device_id = $1',
    [deviceId],
  );
  return rows[0]!.n;
}
