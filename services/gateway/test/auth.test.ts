import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { loginPayload } from '@spreekuur/protocol/identity';
import {
  api,
  connect,
  createOrganisation,
  login,
  newIdentity,
  register,
  registerAndLogin,
  seedOrganisation,
  signWith,
  startGateway,
  waitFor,
  type TestGateway,
} from './harness.ts';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway.close());

const count = async (table: string) =>
  (await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;

describe('invites', () => {
  it('are single-use: a second registration with the same code is refused and creates nothing', async () => {
    const { adminInvite } = await createOrganisation(gateway, 'single-use');
    await register(gateway, adminInvite.code, 'Eerste');
    const [people, devices] = [await count('people'), await count('devices')];
    await expect(register(gateway, adminInvite.code, 'Tweede')).rejects.toThrow(/ERR_INVITE_USED/);
    expect([await count('people'), await count('devices')]).toEqual([people, devices]);
  });

  it('expire: after the lifetime the code is refused with a clear reason', async () => {
    const { adminInvite } = await createOrganisation(gateway, 'expiry');
    gateway.advanceClock(7 * 24 * 60 * 60 * 1000 + 1000);
    try {
      await expect(register(gateway, adminInvite.code)).rejects.toThrow(/ERR_INVITE_EXPIRED/);
    } finally {
      gateway.advanceClock(-(7 * 24 * 60 * 60 * 1000 + 1000));
    }
  });

  it('accept codes as people type them (lower case, spaces) and refuse unknown ones', async () => {
    const { adminInvite } = await createOrganisation(gateway, 'typing');
    const typed = adminInvite.code.toLowerCase().replace(/-/g, ' ');
    const registered = await register(gateway, typed);
    expect(registered.personId).toMatch(/^[0-9a-f-]{36}$/);
    await expect(register(gateway, '0000-0000-0000-0000')).rejects.toThrow(/ERR_INVITE_NOT_FOUND/);
  });

  it('can be revoked by their maker before use', async () => {
    const { admin, team } = await seedOrganisation(gateway, 'revoke-invite');
    const invite = (
      await api<{ id: string; code: string }>(gateway, admin, 'POST', '/v1/invites', {
        role: 'worker',
        teamId: team.id,
      })
    ).body;
    expect((await api(gateway, admin, 'DELETE', `/v1/invites/${invite.id}`)).status).toBe(200);
    await expect(register(gateway, invite.code)).rejects.toThrow(/ERR_INVITE_EXPIRED/);
  });

  it('follow the role rules: workers invite residents into their own team only; residents invite nobody', async () => {
    const { worker, resident, team } = await seedOrganisation(gateway, 'invite-roles');
    expect(
      (
        await api<{ error: { code: string } }>(gateway, worker, 'POST', '/v1/invites', {
          role: 'worker',
          teamId: team.id,
        })
      ).body.error.code,
    ).toBe('ERR_INVITE_ROLE_NOT_ALLOWED');
    expect(
      (await api(gateway, resident, 'POST', '/v1/invites', { role: 'resident', teamId: team.id })).status,
    ).toBe(403);
    const made = await api<{ joinUrl: string; code: string }>(gateway, worker, 'POST', '/v1/invites', {
      role: 'resident',
      teamId: team.id,
    });
    expect(made.status).toBe(201);
    expect(made.body.joinUrl).toContain(made.body.code);
  });

  it('make the new person a member of the named team', async () => {
    const { worker, resident, team } = await seedOrganisation(gateway, 'team-join');
    const me = await api<{ person: { teamIds: string[]; role: string } }>(gateway, resident, 'GET', '/v1/me');
    expect(me.body.person).toMatchObject({ role: 'resident', teamIds: [team.id] });
    const people = await api<{ people: Array<{ id: string }> }>(
      gateway,
      worker,
      'GET',
      `/v1/people?teamId=${team.id}`,
    );
    expect(people.body.people.map((p) => p.id)).toContain(resident.personId);
  });

  it('need proof that the caller holds the identity key', async () => {
    const { adminInvite } = await createOrganisation(gateway, 'proof');
    const someoneElse = newIdentity();
    const response = await api<{ error: { code: string } }>(gateway, null, 'POST', '/v1/auth/register', {
      inviteCode: adminInvite.code,
      identityKey: toBase64Url(newIdentity().identityKey),
      deviceName: 'Telefoon',
      displayName: 'Mallory',
      proof: signWith(someoneElse.privateKey, new Uint8Array(8)),
    });
    expect(response.body.error.code).toBe('ERR_AUTH_BAD_SIGNATURE');
    await expect(register(gateway, adminInvite.code)).resolves.toBeDefined();
  });
});

describe('device-key login', () => {
  it('issues a token that opens authenticated routes', async () => {
    const { admin } = await seedOrganisation(gateway, 'login-ok');
    const me = await api<{ person: { role: string }; deviceId: string }>(gateway, admin, 'GET', '/v1/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ person: { role: 'admin' }, deviceId: admin.deviceId });
    expect((await api(gateway, null, 'GET', '/v1/me')).status).toBe(401);
    expect((await api(gateway, { token: 'sk_' + 'a'.repeat(43) }, 'GET', '/v1/me')).status).toBe(401);
  });

  it('refuses a replayed challenge', async () => {
    const { worker } = await seedOrganisation(gateway, 'replay');
    const { challengeId, nonce } = (
      await api<{ challengeId: string; nonce: string }>(gateway, null, 'POST', '/v1/auth/challenge', {
        deviceId: worker.deviceId,
      })
    ).body;
    const body = {
      deviceId: worker.deviceId,
      challengeId,
      signature: signWith(
        worker.privateKey,
        loginPayload(challengeId, worker.deviceId, fromBase64Url(nonce)),
      ),
    };
    expect((await api(gateway, null, 'POST', '/v1/auth/login', body)).status).toBe(200);
    const replay = await api<{ error: { code: string } }>(gateway, null, 'POST', '/v1/auth/login', body);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('ERR_AUTH_CHALLENGE_INVALID');
  });

  it('refuses a tampered signature, and the challenge is spent', async () => {
    const { worker } = await seedOrganisation(gateway, 'tamper');
    const { challengeId, nonce } = (
      await api<{ challengeId: string; nonce: string }>(gateway, null, 'POST', '/v1/auth/challenge', {
        deviceId: worker.deviceId,
      })
    ).body;
    const signature = fromBase64Url(
      signWith(worker.privateKey, loginPayload(challengeId, worker.deviceId, fromBase64Url(nonce))),
    );
    signature[10]! ^= 0x01;
    const body = { deviceId: worker.deviceId, challengeId, signature: toBase64Url(signature) };
    const tampered = await api<{ error: { code: string } }>(gateway, null, 'POST', '/v1/auth/login', body);
    expect(tampered.body.error.code).toBe('ERR_AUTH_BAD_SIGNATURE');
    const retry = await api<{ error: { code: string } }>(gateway, null, 'POST', '/v1/auth/login', body);
    expect(retry.body.error.code).toBe('ERR_AUTH_CHALLENGE_INVALID');
  });

  it('refuses a signature by another device, and an expired challenge', async () => {
    const { worker, resident } = await seedOrganisation(gateway, 'wrong-key');
    const { challengeId, nonce } = (
      await api<{ challengeId: string; nonce: string }>(gateway, null, 'POST', '/v1/auth/challenge', {
        deviceId: worker.deviceId,
      })
    ).body;
    const wrong = await api<{ error: { code: string } }>(gateway, null, 'POST', '/v1/auth/login', {
      deviceId: worker.deviceId,
      challengeId,
      signature: signWith(
        resident.privateKey,
        loginPayload(challengeId, worker.deviceId, fromBase64Url(nonce)),
      ),
    });
    expect(wrong.body.error.code).toBe('ERR_AUTH_BAD_SIGNATURE');

    const late = (
      await api<{ challengeId: string; nonce: string }>(gateway, null, 'POST', '/v1/auth/challenge', {
        deviceId: worker.deviceId,
      })
    ).body;
    gateway.advanceClock(61_000);
    try {
      const expired = await api<{ error: { code: string } }>(gateway, null, 'POST', '/v1/auth/login', {
        deviceId: worker.deviceId,
        challengeId: late.challengeId,
        signature: signWith(
          worker.privateKey,
          loginPayload(late.challengeId, worker.deviceId, fromBase64Url(late.nonce)),
        ),
      });
      expect(expired.body.error.code).toBe('ERR_AUTH_CHALLENGE_INVALID');
    } finally {
      gateway.advanceClock(-61_000);
    }
  });

  it('access tokens stop working when they expire', async () => {
    const { worker } = await seedOrganisation(gateway, 'token-expiry');
    gateway.advanceClock(15 * 60 * 1000 + 1000);
    try {
      expect((await api(gateway, worker, 'GET', '/v1/me')).status).toBe(401);
    } finally {
      gateway.advanceClock(-(15 * 60 * 1000 + 1000));
    }
  });
});

describe('devices', () => {
  it('a person links a second device with a one-time code and lists both', async () => {
    const { resident } = await seedOrganisation(gateway, 'link');
    const link = (await api<{ code: string }>(gateway, resident, 'POST', '/v1/me/device-links')).body;
    const second = await register(gateway, link.code, 'ignored for device links');
    expect(second.personId).toBe(resident.personId);
    const token = await login(gateway, second);
    const devices = await api<{ devices: Array<{ id: string; current: boolean }> }>(
      gateway,
      { token },
      'GET',
      '/v1/me/devices',
    );
    expect(devices.body.devices.map((d) => [d.id, d.current])).toEqual([
      [resident.deviceId, false],
      [second.deviceId, true],
    ]);
  });

  it('a revoked device is refused at once: its live socket is closed, and HTTP and login refuse it', async () => {
    const { resident } = await seedOrganisation(gateway, 'revoke-device');
    const link = (await api<{ code: string }>(gateway, resident, 'POST', '/v1/me/device-links')).body;
    const laptop = await register(gateway, link.code);
    const laptopToken = await login(gateway, laptop);

    const socket = connect(gateway, laptopToken);
    await waitFor(socket, 'connect');
    const disconnected = waitFor<string>(socket, 'disconnect');
    expect((await api(gateway, resident, 'DELETE', `/v1/me/devices/${laptop.deviceId}`)).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');

    expect((await api(gateway, { token: laptopToken }, 'GET', '/v1/me')).status).toBe(401);
    const challenge = await api<{ error: { code: string } }>(gateway, null, 'POST', '/v1/auth/challenge', {
      deviceId: laptop.deviceId,
    });
    expect(challenge.body.error.code).toBe('ERR_AUTH_DEVICE_REVOKED');

    const again = connect(gateway, laptopToken);
    const refused = await waitFor<Error & { data?: { code: string } }>(again, 'connect_error');
    expect(refused.data?.code).toBe('ERR_UNAUTHENTICATED');
    again.close();
    // The device that revoked keeps working.
    expect((await api(gateway, resident, 'GET', '/v1/me')).status).toBe(200);
  });

  it('a person cannot revoke somebody else’s device', async () => {
    const { resident, worker } = await seedOrganisation(gateway, 'revoke-other');
    expect((await api(gateway, resident, 'DELETE', `/v1/me/devices/${worker.deviceId}`)).status).toBe(404);
    expect((await api(gateway, worker, 'GET', '/v1/me')).status).toBe(200);
  });

  it('a socket without a valid token is refused at the handshake', async () => {
    const socket = connect(gateway, 'not-a-token');
    const refused = await waitFor<Error & { data?: { code: string } }>(socket, 'connect_error');
    expect(refused.data?.code).toBe('ERR_UNAUTHENTICATED');
    socket.close();
  });

  it('a live socket can swap in a fresh token; an unknown socket event gets an error ack', async () => {
    const { worker } = await seedOrganisation(gateway, 'refresh');
    const socket = connect(gateway, worker.token);
    await waitFor(socket, 'connect');
    const fresh = await login(gateway, worker);
    const refreshed = (await socket.emitWithAck('session:refresh', { token: fresh })) as { ok: boolean };
    expect(refreshed.ok).toBe(true);
    const foreign = (await socket.emitWithAck('session:refresh', { token: 'sk_' + 'b'.repeat(43) })) as {
      ok: boolean;
      error: { code: string };
    };
    expect(foreign).toMatchObject({ ok: false, error: { code: 'ERR_UNAUTHENTICATED' } });
    const unknown = (await socket.emitWithAck('no:such:event', {})) as {
      ok: boolean;
      error: { code: string };
    };
    expect(unknown).toMatchObject({ ok: false, error: { code: 'ERR_NOT_FOUND' } });
    const bad = (await socket.emitWithAck('session:refresh', { token: 42 })) as {
      ok: boolean;
      error: { code: string; issues: unknown[] };
    };
    expect(bad.error.code).toBe('ERR_BAD_REQUEST');
    expect(bad.error.issues.length).toBeGreaterThan(0);
    socket.close();
  });
});

describe('rate limits', () => {
  let limited: TestGateway;
  beforeAll(async () => {
    limited = await startGateway({ env: { RATE_LIMIT_AUTH_PER_MINUTE: '5' } });
  });
  afterAll(() => limited.close());

  it('slow down repeated login challenges with a clear error', async () => {
    const { adminInvite } = await createOrganisation(limited, 'rate-limit');
    const admin = await register(limited, adminInvite.code);
    const statuses: number[] = [];
    let last: { error?: { code: string; retryAfter?: number } } = {};
    for (let i = 0; i < 7; i++) {
      const response = await api<typeof last>(limited, null, 'POST', '/v1/auth/challenge', {
        deviceId: admin.deviceId,
      });
      statuses.push(response.status);
      last = response.body;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    expect(last.error?.code).toBe('ERR_RATE_LIMITED');
    expect(last.error?.retryAfter).toBeGreaterThan(0);
  });

  it('count registrations separately from challenges', async () => {
    const { adminInvite } = await createOrganisation(limited, 'rate-limit-register');
    await expect(register(limited, adminInvite.code)).resolves.toBeDefined();
  });
});

describe('registration with a second login of the same person', () => {
  it('refuses to register an identity key twice', async () => {
    const { adminInvite } = await createOrganisation(gateway, 'dupe-key');
    const { adminInvite: other } = await createOrganisation(gateway, 'dupe-key-2');
    const identity = newIdentity();
    await register(gateway, adminInvite.code, 'Een', identity);
    await expect(register(gateway, other.code, 'Twee', identity)).rejects.toThrow(/ERR_IDENTITY_KEY_IN_USE/);
    // The refused registration did not spend the invite.
    await expect(registerAndLogin(gateway, other.code)).resolves.toBeDefined();
  });
});
