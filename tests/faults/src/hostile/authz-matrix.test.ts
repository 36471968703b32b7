import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { fillPath } from '@spreekuur/protocol/endpoint';
import { issueToken, revokeDevice, seedDevice } from '@spreekuur/testing/identity';
import { connect, waitFor } from '@spreekuur/testing/socket';
import { catalogue, routeKey } from './catalogue.ts';
import { databaseFingerprint } from './snapshot.ts';

/**
 * The authorisation matrix, generated from the protocol's route list: every endpoint that
 * needs a device, tried without a token, with a token that expired, with the token of a
 * revoked device, with a made-up token and with the operator's token; every operator
 * endpoint with no token, a wrong one and a device's token. All refused with the catalogue's
 * code, nothing changed. (Another organisation's people on every route: the gateway's
 * organisation-isolation suite; the same for sockets: the handshake below.)
 */
let gateway: TestGateway;
const credentials: Record<string, Record<string, string>> = {};
const endpoints = catalogue();

beforeAll(async () => {
  gateway = await startGateway({ env: { LOG_LEVEL: 'warn' } });
  const org = await seedOrganisation(gateway, 'matrix');
  const past = new Date(Date.now() - 2 * gateway.config.ACCESS_TOKEN_TTL_SECONDS * 1000);
  const expired = await issueToken(
    { db: gateway.db, now: () => past, config: gateway.config },
    { orgId: org.organisation.id, personId: org.worker.personId, deviceId: org.worker.deviceId },
  );
  const tablet = await seedDevice(gateway, {
    orgId: org.organisation.id,
    personId: org.admin.personId,
    role: 'admin',
  });
  await revokeDevice(gateway, tablet);
  credentials['no token'] = {};
  credentials['expired token'] = { authorization: `Bearer ${expired}` };
  credentials['revoked device'] = { authorization: `Bearer ${tablet.token}` };
  credentials['made-up token'] = { authorization: `Bearer sk_${'A'.repeat(43)}` };
  credentials['operator token as bearer'] = { authorization: `Bearer ${gateway.operatorToken}` };
  credentials['device token for the operator'] = {
    'x-operator-token': org.admin.token,
    authorization: `Bearer ${org.admin.token}`,
  };
  credentials['wrong operator token'] = { 'x-operator-token': `op_${'B'.repeat(43)}` };
});
afterAll(() => gateway?.close());

/**
 * Operator routes check the token after validating the body (device routes before), so the
 * one with a body gets a valid one: the token, not the body, must be what refuses it.
 */
const VALID_BODIES: Record<string, unknown> = {
  'POST /v1/operator/organisations': { name: 'Matrix BV', slug: 'matrix-bv' },
};

/** A request that would be well-formed: ids for every path parameter, an empty JSON body. */
function requestTo(endpoint: (typeof endpoints)[number]['endpoint']) {
  const params = Object.fromEntries(
    [...endpoint.path.matchAll(/:([A-Za-z]+)/g)].map((m) => [
      m[1]!,
      /seq|index/i.test(m[1]!) ? '1' : randomUUID(),
    ]),
  );
  return { method: endpoint.method, url: fillPath(endpoint.path, params) };
}

describe('the authorisation matrix over every endpoint', () => {
  const matrix: Record<string, string[]> = {
    device: ['no token', 'expired token', 'revoked device', 'made-up token', 'operator token as bearer'],
    operator: ['no token', 'wrong operator token', 'device token for the operator'],
  };

  it('refuses every device and operator endpoint to every credential that is not good enough', async () => {
    const before = await databaseFingerprint(gateway.db);
    const accepted: string[] = [];
    let tried = 0;
    for (const { endpoint } of endpoints) {
      for (const who of matrix[endpoint.access] ?? []) {
        const { method, url } = requestTo(endpoint);
        const response = await gateway.app.inject({
          method,
          url,
          headers: { ...credentials[who], 'content-type': endpoint.contentType ?? 'application/json' },
          payload: endpoint.contentType ? 'bytes' : JSON.stringify(VALID_BODIES[routeKey(endpoint)] ?? {}),
        });
        tried++;
        const code = response.headers['content-type']?.toString().includes('json')
          ? (response.json<{ error?: { code?: string } }>().error?.code ?? '')
          : '';
        const expected =
          endpoint.access === 'operator' ? 'ERR_OPERATOR_TOKEN_INVALID' : 'ERR_UNAUTHENTICATED';
        if (response.statusCode !== 401 || code !== expected)
          accepted.push(
            `${routeKey(endpoint)} as ${who}: ${response.statusCode} ${response.body.slice(0, 120)}`,
          );
      }
    }
    console.log(`[faults] authorisation matrix: ${tried} requests, ${accepted.length} not refused`);
    expect(accepted).toEqual([]);
    expect(tried).toBeGreaterThan(endpoints.length * 3);
    expect(await databaseFingerprint(gateway.db)).toEqual(before);
  });

  it('refuses a socket to an expired token, a revoked device and a made-up token', async () => {
    for (const who of ['expired token', 'revoked device', 'made-up token', 'operator token as bearer']) {
      const token = credentials[who]!.authorization!.replace('Bearer ', '');
      const socket = connect(gateway, token);
      const error = await waitFor<Error & { data?: { code?: string } }>(socket, 'connect_error');
      expect(error.data?.code, who).toBe('ERR_UNAUTHENTICATED');
      socket.close();
    }
  });
});
