import type { Database } from '@spreekuur/db';
import {
  ONE_TIME_PREKEYS_LOW,
  ONE_TIME_PREKEYS_MAX,
  type DeviceCertificate,
  type PrekeyBundle,
} from '@spreekuur/protocol/chat';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { Principal, RateLimiter, RatePolicy } from '@spreekuur/server';
import { requireMayTalkTo } from '../contacts.ts';
import {
  activeDevices,
  certificatesOf,
  claimOneTimePrekey,
  countOneTimePrekeys,
  insertOneTimePrekeys,
  signedPrekeyIds,
  signedPrekeysOf,
  upsertCertificate,
  upsertSignedPrekeys,
} from '../store/key-store.ts';

type SignedKey = { id: number; publicKey: string; signature: string };

const signedKeyBytes = (key: SignedKey) => ({
  id: key.id,
  publicKey: fromBase64Url(key.publicKey),
  signature: fromBase64Url(key.signature),
});

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
    await upsertSignedPrekeys(this.db, principal, {
      signedPrekey: signedKeyBytes(keys.signedPrekey),
      kemPrekey: signedKeyBytes(keys.kemPrekey),
    });
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
      await insertOneTimePrekeys(
        tx,
        principal.deviceId,
        prekeys.map((prekey) => ({ id: prekey.id, publicKey: fromBase64Url(prekey.publicKey) })),
      );
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
    const ids = await signedPrekeyIds(this.db, principal.deviceId);
    return {
      oneTimePrekeys: await countOneTimePrekeys(this.db, principal.deviceId),
      signedPrekeyId: ids?.signedPrekeyId ?? null,
      kemPrekeyId: ids?.kemPrekeyId ?? null,
      lowWatermark: ONE_TIME_PREKEYS_LOW,
    };
  }

  /**
   * Bundles for the given devices, each with one one-time prekey that is deleted as it is
   * handed out (concurrent fetches never get the same key), unless the caller was handed that
   * device's one-time prekeys too often lately.
   */
  async fetchBundles(principal: Principal, deviceIds: readonly string[]): Promise<PrekeyBundle[]> {
    const devices = await activeDevices(this.db, principal.orgId, deviceIds);
    if (devices.length !== new Set(deviceIds).size) throw new AppError('ERR_NOT_FOUND', 'device not found');
    await requireMayTalkTo(this.db, principal, [...new Set(devices.map((device) => device.personId))]);

    // Every check before the first one-time prekey is claimed: a refused request uses up nothing.
    const signedByDevice = await signedPrekeysOf(
      this.db,
      devices.map((device) => device.id),
    );
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
        personId: device.personId,
        identityKey: toBase64Url(device.identityKey),
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
        oneTimePrekey: oneTime ? { id: oneTime.id, publicKey: toBase64Url(oneTime.publicKey) } : null,
      });
    }
    return bundles;
  }

  /**
   * The caller vouches for `deviceId`: itself (a first device) or another active device of
   * the same person (a device it approved after linking). The signature is the client's to
   * check (SPEC §13.2); the server only makes sure nobody vouches for another person's device.
   */
  async publishCertificate(
    principal: Principal,
    body: { deviceId: string; signature: string },
  ): Promise<void> {
    const [device] = await activeDevices(this.db, principal.orgId, [body.deviceId]);
    if (!device || device.personId !== principal.personId)
      throw new AppError('ERR_NOT_FOUND', 'no such device of yours');
    const signature = fromBase64Url(body.signature);
    if (signature.length !== 64) {
      throw new AppError('ERR_BAD_REQUEST', 'a certificate signature is 64 bytes', {
        issues: [{ path: ['body', 'signature'], message: 'must be 64 bytes' }],
      });
    }
    await upsertCertificate(this.db, {
      deviceId: body.deviceId,
      signerDeviceId: principal.deviceId,
      signature,
    });
  }

  /** Certificates of devices in the caller's organisation; devices without one are left out. */
  async certificates(principal: Principal, deviceIds: readonly string[]): Promise<DeviceCertificate[]> {
    const devices = await activeDevices(this.db, principal.orgId, [...new Set(deviceIds)]);
    const rows = await certificatesOf(
      this.db,
      devices.map((device) => device.id),
    );
    return rows.map((row) => ({
      deviceId: row.deviceId,
      signerDeviceId: row.signerDeviceId,
      signature: toBase64Url(row.signature),
    }));
  }

  private async claimOneTimePrekey(deviceId: string) {
    const claimed = await claimOneTimePrekey(this.db, deviceId);
    const remaining = await countOneTimePrekeys(this.db, deviceId);
    if (remaining < ONE_TIME_PREKEYS_LOW) this.onLow(deviceId, remaining);
    return claimed;
  }
}
