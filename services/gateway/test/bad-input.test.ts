import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, seedOrganisation, startGateway, type TestGateway } from './harness.ts';

let gateway: TestGateway;
let cast: Awaited<ReturnType<typeof seedOrganisation>>;
beforeAll(async () => {
  gateway = await startGateway();
  cast = await seedOrganisation(gateway, 'bad-input');
});
afterAll(() => gateway.close());

/** A fingerprint of everything a bad request could have changed. */
async function snapshot() {
  const tables = [
    'organisations',
    'teams',
    'people',
    'team_members',
    'devices',
    'invites',
    'login_challenges',
    'access_tokens',
    'audit_log',
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    counts[table] = (
      await gateway.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
    ).rows[0]!.n;
  }
  return counts;
}

type ErrorResponse = {
  error: { code: string; message: string; issues?: Array<{ path: unknown[]; message: string }> };
};

const badRequests: Array<[string, 'POST' | 'PUT' | 'GET' | 'DELETE', string, unknown, 'admin' | null]> = [
  ['empty team name', 'POST', '/v1/teams', { name: '' }, 'admin'],
  ['team name of the wrong type', 'POST', '/v1/teams', { name: 42 }, 'admin'],
  ['unknown field', 'POST', '/v1/teams', { name: 'Team', colour: 'red' }, 'admin'],
  ['unknown role', 'POST', '/v1/invites', { role: 'boss' }, 'admin'],
  ['expiry out of range', 'POST', '/v1/invites', { role: 'admin', expiresInDays: 365 }, 'admin'],
  ['team id that is not an id', 'POST', '/v1/invites', { role: 'worker', teamId: 'team-1' }, 'admin'],
  ['register without anything', 'POST', '/v1/auth/register', {}, null],
  [
    'register with a short key',
    'POST',
    '/v1/auth/register',
    { inviteCode: 'AAAA-BBBB-CCCC-DDDD', identityKey: 'AAAA', deviceName: 'x', proof: 'AAAA' },
    null,
  ],
  ['challenge for a non-id', 'POST', '/v1/auth/challenge', { deviceId: 'me' }, null],
  [
    'login with a signature that is not base64url',
    'POST',
    '/v1/auth/login',
    {
      deviceId: '00000000-0000-4000-8000-000000000000',
      challengeId: '00000000-0000-4000-8000-000000000000',
      signature: '!'.repeat(86),
    },
    null,
  ],
  ['people filter with a bad role', 'GET', '/v1/people?role=boss', undefined, 'admin'],
  ['person lookup by a non-id', 'GET', '/v1/people/not-an-id', undefined, 'admin'],
  ['device revocation by a non-id', 'DELETE', '/v1/me/devices/12', undefined, 'admin'],
];

describe('bad input', () => {
  for (const [what, method, url, payload, as] of badRequests) {
    it(`${what}: 400 with the field named, and nothing changes`, async () => {
      const before = await snapshot();
      const response = await api<ErrorResponse>(gateway, as ? cast.admin : null, method, url, payload);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('ERR_BAD_REQUEST');
      expect(response.body.error.issues?.length).toBeGreaterThan(0);
      expect(JSON.stringify(response.body)).not.toMatch(/node_modules|\bat .+\.ts|Error:/);
      expect(await snapshot()).toEqual(before);
    });
  }

  it('malformed JSON gets a clean 400', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/v1/teams',
      headers: { authorization: `Bearer ${cast.admin.token}`, 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorResponse>().error.code).toBe('ERR_BAD_REQUEST');
  });

  it('an unsupported content type gets a clean 400', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/v1/teams',
      headers: { authorization: `Bearer ${cast.admin.token}`, 'content-type': 'text/xml' },
      payload: '<team/>',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorResponse>().error.code).toBe('ERR_BAD_REQUEST');
  });

  it('a body over the limit gets 413', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/v1/teams',
      headers: { authorization: `Bearer ${cast.admin.token}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json<ErrorResponse>().error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
  });

  it('a caller without a valid token gets 401 before the body is read, on every service', async () => {
    const json = 'application/json';
    const routes: Array<['POST' | 'PUT', string, string, string]> = [
      ['POST', '/v1/teams', json, JSON.stringify({ name: 42 })],
      ['POST', '/v1/messages', json, JSON.stringify({ nonsense: true })],
      ['PUT', '/v1/files/00000000-0000-4000-8000-000000000000/chunks/0', 'application/octet-stream', 'x'],
      ['POST', `/v1/scheduling/teams/${cast.team.id}/queue`, json, JSON.stringify({ nonsense: true })],
    ];
    for (const [method, url, contentType, payload] of routes) {
      const response = await gateway.app.inject({
        method,
        url,
        headers: { authorization: 'Bearer not-a-token', 'content-type': contentType },
        payload,
      });
      expect([url, response.statusCode, response.json<ErrorResponse>().error.code]).toEqual([
        url,
        401,
        'ERR_UNAUTHENTICATED',
      ]);
    }
  });

  it('an unknown route gets a JSON 404', async () => {
    const response = await api<ErrorResponse>(gateway, null, 'GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('ERR_NOT_FOUND');
  });

  it('a URL the router cannot take (bad percent-encoding, an over-long id) gets the catalogue’s 400, not echoed', async () => {
    for (const url of ['/v1/people/%zz-marker', `/v1/people/${'a'.repeat(150)}marker`]) {
      const response = await api<ErrorResponse>(gateway, null, 'GET', url);
      expect(response.status, url).toBe(400);
      expect(response.body.error.code).toBe('ERR_BAD_REQUEST');
      expect(response.text).not.toContain('marker');
    }
  });

  it('answers in English when the client prefers it', async () => {
    const response = await gateway.app.inject({
      method: 'POST',
      url: '/v1/auth/challenge',
      headers: { 'accept-language': 'en-GB,en;q=0.9,nl;q=0.5' },
      payload: {},
    });
    expect(response.json<ErrorResponse>().error.message).toBe(
      'The request is not valid. Please check the input.',
    );
  });
});
