import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toBase64Url } from '@spreekuur/protocol/common';
import { inviteCode, registrationPayload } from '@spreekuur/protocol/identity';
import {
  api,
  login,
  newIdentity,
  register,
  seedOrganisation,
  signWith,
  startGateway,
  type Actor,
  type TestGateway,
} from './harness.ts';

/**
 * Regression: a device-link code (or a person invite) made on a device stayed redeemable after
 * that device was revoked. A thief with a stolen, unlocked phone could make a link code, wait
 * for the owner to revoke the phone, and then link a fresh device to the owner's account.
 */
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway.close());

const count = async (table: string) =>
  (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

type Invite = { id: string; kind: string; revokedAt: string | null };
type ErrorBody = { error: { code: string; details?: Record<string, unknown> } };

/** A second device of the same person, linked and signed in. */
async function linkDevice(owner: Actor): Promise<Actor> {
  const link = (await api<{ code: string }>(gateway, owner, 'POST', '/v1/me/device-links')).body;
  const device = await register(gateway, link.code);
  return { ...device, token: await login(gateway, device) };
}

describe('invites made on a device that is later revoked', () => {
  it('a device-link code made on a stolen phone cannot be redeemed after the owner revokes the phone', async () => {
    const { resident: owner } = await seedOrganisation(gateway, 'stolen-phone');
    const stolen = await linkDevice(owner);

    // The thief makes a link code on the stolen phone; the owner revokes the phone.
    const thiefLink = await api<{ code: string }>(gateway, stolen, 'POST', '/v1/me/device-links');
    expect(thiefLink.status).toBe(201);
    expect((await api(gateway, owner, 'DELETE', `/v1/me/devices/${stolen.deviceId}`)).status).toBe(204);

    // The thief redeems the code: refused, and nothing is created.
    const [people, devices] = [await count('people'), await count('devices')];
    await expect(register(gateway, thiefLink.body.code)).rejects.toThrow(/ERR_INVITE_EXPIRED/);
    expect([await count('people'), await count('devices')]).toEqual([people, devices]);
    const owned = await api<{ devices: Array<{ id: string }> }>(gateway, owner, 'GET', '/v1/me/devices');
    expect(owned.body.devices.map((d) => d.id)).toEqual([owner.deviceId, stolen.deviceId]);
  });

  it('revoking a device voids its pending invites and device links; other devices’ invites keep working', async () => {
    const { worker, team } = await seedOrganisation(gateway, 'void-on-revoke');
    const laptop = await linkDevice(worker);
    const fromLaptop = (
      await api<{ id: string; code: string }>(gateway, laptop, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: team.id,
      })
    ).body;
    const linkFromLaptop = (
      await api<{ id: string; code: string }>(gateway, laptop, 'POST', '/v1/me/device-links')
    ).body;
    const fromPhone = (
      await api<{ id: string; code: string }>(gateway, worker, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: team.id,
      })
    ).body;

    // The pending device link is listed for its owner (so it can be seen and revoked).
    const before = await api<{ invites: Invite[] }>(gateway, worker, 'GET', '/v1/invites');
    expect(before.body.invites.find((i) => i.id === linkFromLaptop.id)).toMatchObject({
      kind: 'device',
      revokedAt: null,
    });

    expect((await api(gateway, worker, 'DELETE', `/v1/me/devices/${laptop.deviceId}`)).status).toBe(204);

    const after = await api<{ invites: Invite[] }>(gateway, worker, 'GET', '/v1/invites');
    const revokedAt = (id: string) => after.body.invites.find((i) => i.id === id)?.revokedAt;
    expect(revokedAt(fromLaptop.id)).not.toBeNull();
    expect(revokedAt(linkFromLaptop.id)).not.toBeNull();
    expect(revokedAt(fromPhone.id)).toBeNull();

    const people = await count('people');
    await expect(register(gateway, fromLaptop.code, 'Via laptop')).rejects.toThrow(/ERR_INVITE_EXPIRED/);
    await expect(register(gateway, linkFromLaptop.code)).rejects.toThrow(/ERR_INVITE_EXPIRED/);
    expect(await count('people')).toBe(people);
    await expect(register(gateway, fromPhone.code, 'Via telefoon')).resolves.toBeDefined();
  });

  it('redemption itself refuses an invite whose creating device is revoked, with the reason', async () => {
    const { worker, team } = await seedOrganisation(gateway, 'redeem-check');
    const laptop = await linkDevice(worker);
    const invite = (
      await api<{ id: string; code: string }>(gateway, laptop, 'POST', '/v1/invites', {
        role: 'resident',
        teamId: team.id,
      })
    ).body;
    // The device is revoked but its invite was not voided (e.g. one made before this rule).
    await gateway.db.query('UPDATE devices SET revoked_at = now() WHERE id = $1', [laptop.deviceId]);

    const people = await count('people');
    const refused = await api<ErrorBody>(
      gateway,
      null,
      'POST',
      '/v1/auth/register',
      registrationBody(invite.code),
    );
    expect(refused.status).toBe(410);
    expect(refused.body.error).toMatchObject({
      code: 'ERR_INVITE_EXPIRED',
      details: { reason: 'creator_device_revoked' },
    });
    expect(await count('people')).toBe(people);
    const row = await gateway.db.query<{ used_at: Date | null }>(
      'SELECT used_at FROM invites WHERE id = $1',
      [invite.id],
    );
    expect(row.rows[0]?.used_at).toBeNull();
  });
});

/** A registration request with a fresh identity key, as a new device would send it. */
function registrationBody(code: string) {
  const identity = newIdentity();
  return {
    inviteCode: code,
    identityKey: toBase64Url(identity.identityKey),
    deviceName: 'Nieuw',
    displayName: 'Nieuw Persoon',
    proof: signWith(identity.privateKey, registrationPayload(inviteCode.parse(code), identity.identityKey)),
  };
}
