import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactUrl } from '@spreekuur/server';
import { api, createOrganisation, registerAndLogin, startGateway, type TestGateway } from './harness.ts';

let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway({ env: { LOG_LEVEL: 'trace' } });
});
afterAll(() => gateway.close());

describe('logs', () => {
  it('carry request ids and never the access token, invite code or operator token', async () => {
    const { adminInvite } = await createOrganisation(gateway, 'logging');
    const admin = await registerAndLogin(gateway, adminInvite.code);
    await api(gateway, admin, 'GET', '/v1/me');
    const logged = gateway.logs.join('\n');
    expect(logged).toContain('"reqId"');
    for (const secret of [
      admin.token,
      adminInvite.code,
      adminInvite.code.replace(/-/g, ''),
      gateway.operatorToken,
    ]) {
      expect(logged).not.toContain(secret);
    }
  });

  it('redact secrets in logged objects at the logger', () => {
    gateway.app.log.info(
      { token: 'sk_secret-1', nested: { inviteCode: 'CODE-SECRET-2', privateKey: 'KEY-3' } },
      'probe',
    );
    const line = gateway.logs.find((entry) => entry.includes('"probe"'))!;
    expect(line).not.toMatch(/sk_secret-1|CODE-SECRET-2|KEY-3/);
    expect(line).toContain('[Redacted]');
  });

  it('echo a well-formed incoming request id and redact token query parameters', async () => {
    const response = await gateway.app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'req-12345678' },
    });
    expect(response.headers['x-request-id']).toBe('req-12345678');
    expect(redactUrl('/v1/calendar/feed.ics?token=abc123&x=1')).toBe(
      '/v1/calendar/feed.ics?token=[Redacted]&x=1',
    );
  });
});
