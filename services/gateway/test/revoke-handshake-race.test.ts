import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '@spreekuur/db';
import { rooms } from '@spreekuur/server';
import { hookQueries } from '@spreekuur/testing/query-hook';
import {
  api,
  connect,
  login,
  register,
  seedOrganisation,
  startGateway,
  waitFor,
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
let gateway: TestGateway;

/** Runs once, right after the next access-token lookup has its answer and before it is returned. */
let afterNextTokenLookup: (() => Promise<void>) | null = null;

const interleavingDatabase = (db: Database) =>
  hookQueries(db, async (sql, run) => {
    const result = await run();
    const hook = afterNextTokenLookup;
    if (hook && sql.includes('FROM access_tokens t')) {
      afterNextTokenLookup = null;
      await hook();
    }
    return result;
  });

beforeAll(async () => {
  gateway = await startGateway({ interpose: interleavingDatabase, env: { LOG_LEVEL: 'warn' } });
});
afterAll(() => gateway.close());

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
    expect(await gateway.app.realtime.io.in(rooms.device(laptop.deviceId)).fetchSockets()).toHaveLength(0);
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
