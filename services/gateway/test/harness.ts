import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { Database } from '@spreekuur/db';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import {
  loginPayload,
  registrationPayload,
  inviteCode as inviteCodeSchema,
} from '@spreekuur/protocol/identity';
import { startTestApp, type TestApp } from '@spreekuur/testing/app';
import type { TestBackends } from '@spreekuur/testing/backends';
import { api, expectOk } from '@spreekuur/testing/http';
import { buildApp } from '../src/app.ts';

/**
 * The gateway's test harness: a real gateway on the shared test app (@spreekuur/testing), and
 * what is the gateway's own: organisations through the operator route, people through invites
 * and device-key login. Other packages' suites (the SDK, the CLI) use it as
 * `@spreekuur/gateway/testing`.
 */
export { api, expectOk } from '@spreekuur/testing/http';
export { connect, waitFor } from '@spreekuur/testing/socket';

export type Gateway = Awaited<ReturnType<typeof buildApp>>;

export interface TestGateway extends TestApp<Gateway> {
  operatorToken: string;
}

export interface GatewayOptions {
  /** Share the database and Redis prefix with other nodes: a second gateway in one cluster. */
  backends?: TestBackends | undefined;
  env?: Record<string, string> | undefined;
  /** Wraps the database the gateway sees (to interleave its queries with the test's). */
  interpose?: ((db: Database) => Database) | undefined;
}

/**
 * A real gateway on a random port, on the backends this test run uses: a fresh schema on
 * real PostgreSQL and a unique Redis prefix when DATABASE_URL / REDIS_URL are set,
 * otherwise embedded PostgreSQL and in-process adapters.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<TestGateway> {
  const operatorToken = `op_${randomBytes(32).toString('base64url')}`;
  const test = await startTestApp({
    build: (deps) => buildApp({ ...deps, operatorToken }),
    backends: options.backends,
    interpose: options.interpose,
    // Every injected request comes from one address; the rate-limit test sets its own limit.
    env: { RATE_LIMIT_AUTH_PER_MINUTE: '100000', ...options.env },
  });
  return { ...test, operatorToken };
}

// ---- Acting as clients ------------------------------------------------------------------

export interface TestDevice {
  deviceId: string;
  personId: string;
  organisationId: string;
  privateKey: KeyObject;
  identityKey: Uint8Array;
}

export function newIdentity(): { privateKey: KeyObject; identityKey: Uint8Array } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, identityKey: fromBase64Url(jwk.x!) };
}

export function signWith(privateKey: KeyObject, message: Uint8Array): string {
  return toBase64Url(sign(null, message, privateKey));
}

export async function createOrganisation(gateway: TestGateway, slug: string) {
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/v1/operator/organisations',
    headers: { 'x-operator-token': gateway.operatorToken },
    payload: { name: `Organisatie ${slug}`, slug },
  });
  if (response.statusCode !== 201) throw new Error(`create organisation: ${response.body}`);
  return response.json<{ organisation: { id: string }; adminInvite: { code: string } }>();
}

export async function register(
  gateway: TestGateway,
  code: string,
  displayName = 'Test Persoon',
  identity = newIdentity(),
): Promise<TestDevice> {
  const normalised = inviteCodeSchema.parse(code);
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: {
      inviteCode: code,
      identityKey: toBase64Url(identity.identityKey),
      deviceName: 'Testtelefoon',
      displayName,
      proof: signWith(identity.privateKey, registrationPayload(normalised, identity.identityKey)),
    },
  });
  if (response.statusCode !== 201) throw new Error(`register: ${response.body}`);
  const result = response.json<{ deviceId: string; personId: string; organisationId: string }>();
  return { ...result, ...identity };
}

export async function login(gateway: TestGateway, device: TestDevice): Promise<string> {
  const challenge = await gateway.app.inject({
    method: 'POST',
    url: '/v1/auth/challenge',
    payload: { deviceId: device.deviceId },
  });
  const { challengeId, nonce } = challenge.json<{ challengeId: string; nonce: string }>();
  const response = await gateway.app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: {
      deviceId: device.deviceId,
      challengeId,
      signature: signWith(
        device.privateKey,
        loginPayload(challengeId, device.deviceId, fromBase64Url(nonce)),
      ),
    },
  });
  if (response.statusCode !== 200) throw new Error(`login: ${response.body}`);
  return response.json<{ accessToken: string }>().accessToken;
}

export type Actor = TestDevice & { token: string };

export async function registerAndLogin(
  gateway: TestGateway,
  code: string,
  displayName?: string,
): Promise<Actor> {
  const device = await register(gateway, code, displayName);
  return { ...device, token: await login(gateway, device) };
}

/** A one-time invite code for a new person of the team, made by `inviter` (admins invite workers, workers residents). */
export async function invite(
  gateway: TestGateway,
  inviter: { token: string },
  role: 'worker' | 'resident',
  teamId: string,
): Promise<string> {
  return (await expectOk<{ code: string }>(gateway, inviter, 'POST', '/v1/invites', { role, teamId }, 201))
    .code;
}

/**
 * An organisation with an admin, a team, a worker in it and a resident of that worker:
 * the cast of most tests.
 */
export async function seedOrganisation(gateway: TestGateway, slug: string) {
  const { organisation, adminInvite } = await createOrganisation(gateway, slug);
  const admin = await registerAndLogin(gateway, adminInvite.code, `Beheerder ${slug}`);
  const team = (await api<{ id: string }>(gateway, admin, 'POST', '/v1/teams', { name: `Wijkteam ${slug}` }))
    .body;
  const worker = await addWorker(gateway, admin, team.id, `Werker ${slug}`);
  const resident = await addResident(gateway, worker, team.id, `Inwoner ${slug}`);
  return { organisation, admin, team, worker, resident };
}

/** Another worker in the team, invited by the organisation's admin. */
export async function addWorker(
  gateway: TestGateway,
  admin: Actor,
  teamId: string,
  name: string,
): Promise<Actor> {
  return registerAndLogin(gateway, await invite(gateway, admin, 'worker', teamId), name);
}

/** Another resident of the team, invited by a worker. */
export async function addResident(
  gateway: TestGateway,
  worker: Actor,
  teamId: string,
  name: string,
): Promise<Actor> {
  return registerAndLogin(gateway, await invite(gateway, worker, 'resident', teamId), name);
}
