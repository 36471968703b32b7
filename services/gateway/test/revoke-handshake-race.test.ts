import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@spreekuur/config';
import type { Database } from '@spreekuur/db';
import { createTestDatabase, type TestDatabase } from '@spreekuur/db/testing';
import { createRedis, rooms } from '@spreekuur/server';
import { buildApp, type GatewayDeps } from '../src/app.ts';
import {
  api,
  connect,
  login,
  register,
  seedOrganisation,
  waitFor,
  type Gateway,
  type TestGateway,
} from './harness.ts';

/**
 * Regression: the socket.io handshake looks the access token up asynchronously and joins the
 * device's rooms afterwards, while revoking a device commits and then disconnects that room
 * once. A handshake whose lookup ran before the revocation committed joined the room after
 * the disconnect broadcast and kept a live socket. The interleaving is forced here: the
 * database answers the handshake's token lookup, then the device is revoked (commit and
 * broadcast), and only then does the handshake go on to join.
 */
let database: TestDatabase;
let app: Gateway;
let gateway: TestGateway;
let redis: ReturnType<typeof createRedis> | undefined;
const redisPrefix = `test-${randomBytes(6).toString('hex')}`;

/** Runs once, right after the next access-token lookup has its answer and before it is returned. */
let afterNextTokenLookup: (() => Promise<void>) | null = null;

function interleavingDatabase(db: Database): Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === 'query') {
        return async (sql: string, params?: readonly unknown[]) => {
          const result = await target.query(sql, params);
          const hook = afterNextTokenLookup;
          if (hook && sql.includes('FROM access_tokens t')) {
            afterNextTokenLookup = null;
            await hook();
          }
          return result;
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    REDIS_URL: process.env.REDIS_URL,
    REDIS_PREFIX: redisPrefix,
    RATE_LIMIT_AUTH_PER_MINUTE: '100000',
  });
  redis = config.REDIS_URL ? createRedis(config.REDIS_URL) : undefined;
  const operatorToken = `op_${randomBytes(32).toString('base64url')}`;
  const logs: string[] = [];
  const deps: GatewayDeps = {
    config,
    db: interleavingDatabase(database.db),
    redis,
    operatorToken,
    logStream: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs.push(chunk.toString('utf8'));
        done();
      },
    }),
  };
  app = await buildApp(deps);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  gateway = {
    app,
    url: `http://127.0.0.1:${port}`,
    db: database.db,
    operatorToken,
    logs,
    advanceClock: () => undefined,
    close: async () => undefined,
  };
});

afterAll(async () => {
  await app.close();
  if (redis) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
  await database.dispose();
});

describe('a device revoked while its socket handshake is in flight', () => {
  it('does not keep a socket: it is told it was revoked and disconnected once it has joined', async () => {
    const { resident: owner } = await seedOrganisation(gateway, 'handshake-race');
    const link = (await api<{ code: string }>(gateway, owner, 'POST', '/v1/me/device-links')).body;
    const laptop = await register(gateway, link.code);
    const laptopToken = await login(gateway, laptop);

    let revokeStatus = 0;
    afterNextTokenLookup = async () => {
      // The handshake has its (still valid) answer; the owner revokes the laptop now.
      revokeStatus = (await api(gateway, owner, 'DELETE', `/v1/me/devices/${laptop.deviceId}`)).status;
    };
    const socket = connect(gateway, laptopToken);
    const revoked = waitFor<{ reason: string }>(socket, 'session:revoked');
    const disconnected = waitFor<string>(socket, 'disconnect');

    expect(await revoked).toEqual({ reason: 'device_revoked' });
    expect(await disconnected).toBe('io server disconnect');
    expect(revokeStatus).toBe(204);
    expect(afterNextTokenLookup).toBeNull();
    expect(await app.realtime.io.in(rooms.device(laptop.deviceId)).fetchSockets()).toHaveLength(0);
    socket.close();

    // The owner's own socket is unaffected by the re-check.
    const ownerSocket = connect(gateway, owner.token);
    await waitFor(ownerSocket, 'connect');
    const unknown = (await ownerSocket.emitWithAck('no:such:event', {})) as { ok: boolean };
    expect(unknown.ok).toBe(false);
    expect(ownerSocket.connected).toBe(true);
    ownerSocket.close();
  });
});
