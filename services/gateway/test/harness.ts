import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { io as connectSocket, type Socket } from 'socket.io-client';
import { loadConfig } from '@spreekuur/config';
import { createTestDatabase, type TestDatabase } from '@spreekuur/db/testing';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import {
  loginPayload,
  registrationPayload,
  inviteCode as inviteCodeSchema,
} from '@spreekuur/protocol/identity';
import { createRedis } from '@spreekuur/server';
import { buildApp } from '../src/app.ts';

export type Gateway = Awaited<ReturnType<typeof buildApp>>;

export interface TestGateway {
  app: Gateway;
  url: string;
  db: TestDatabase['db'];
  operatorToken: string;
  logs: string[];
  /** Moves the server's clock forward (expiry rules). */
  advanceClock(ms: number): void;
  close(): Promise<void>;
}

export interface GatewayOptions {
  /** Share a database (and Redis prefix) with another node: a second gateway in one cluster. */
  shareWith?: { database: TestDatabase; redisPrefix: string };
  env?: Record<string, string>;
}

/**
 * A real gateway on a random port, on the backends this test run uses: a fresh schema on
 * real PostgreSQL and a unique Redis prefix when DATABASE_URL / REDIS_URL are set,
 * otherwise embedded PostgreSQL and in-process adapters.
 */
export async function startGateway(
  options: GatewayOptions = {},
): Promise<TestGateway & { database: TestDatabase; redisPrefix: string }> {
  const database = options.shareWith?.database ?? (await createTestDatabase());
  const redisPrefix = options.shareWith?.redisPrefix ?? `test-${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: process.env.REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    // Every injected request comes from one address; the rate-limit test sets its own limit.
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
    ...options.env,
  });
  const redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  let offset = 0;
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString('utf8'));
      done();
    },
  });
  const operatorToken = `op_${randomBytes(32).toString('base64url')}`;
  const app = await buildApp({
    config,
    db: database.db,
    redis,
    operatorToken,
    logStream,
    clock: () => new Date(Date.now() + offset),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    db: database.db,
    database,
    redisPrefix,
    operatorToken,
    logs,
    advanceClock: (ms) => void (offset += ms),
    async close() {
      await app.close();
      if (redis && !options.shareWith) await deleteKeys(redis, `${redisPrefix}*`);
      await redis?.quit();
      if (!options.shareWith) await database.dispose();
    },
  };
}

async function deleteKeys(
  redis: NonNullable<ReturnType<typeof createRedis>>,
  pattern: string,
): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
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

export async function api<T = unknown>(
  gateway: TestGateway,
  actor: { token: string } | null,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await gateway.app.inject({
    method,
    url,
    headers: actor ? { authorization: `Bearer ${actor.token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  return { status: response.statusCode, body: (response.body ? response.json() : null) as T };
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
  const workerInvite = (
    await api<{ code: string }>(gateway, admin, 'POST', '/v1/invites', { role: 'worker', teamId: team.id })
  ).body;
  const worker = await registerAndLogin(gateway, workerInvite.code, `Werker ${slug}`);
  const residentInvite = (
    await api<{ code: string }>(gateway, worker, 'POST', '/v1/invites', { role: 'resident', teamId: team.id })
  ).body;
  const resident = await registerAndLogin(gateway, residentInvite.code, `Inwoner ${slug}`);
  return { organisation, admin, team, worker, resident };
}

export function connect(gateway: TestGateway, token: string): Socket {
  return connectSocket(gateway.url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

export function waitFor<T = unknown>(socket: Socket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}
