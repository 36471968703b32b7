import { expect } from 'vitest';
import type { OrganisationSettings } from '@spreekuur/protocol/identity';
import { api, expectOk } from './harness.ts';
import type { IsolationCase } from './isolation-context.ts';

/**
 * Cross-organisation cases for the organisation settings (the trust policy), merged into
 * organisation-isolation.test.ts: each organisation reads and changes only its own.
 */
const path = '/v1/organisation/settings';

export const settingsIsolationCases: Record<string, IsolationCase> = {
  'GET /v1/organisation/settings': async ({ gateway, a, b }) => {
    await expectOk(gateway, b.admin, 'PUT', path, { trustPolicy: 'warn' });
    await expectOk(gateway, a.admin, 'PUT', path, { trustPolicy: 'block' });
    for (const actor of [a.admin, a.worker, a.resident])
      expect((await expectOk<OrganisationSettings>(gateway, actor, 'GET', path)).trustPolicy).toBe('block');
    expect((await expectOk<OrganisationSettings>(gateway, b.resident, 'GET', path)).trustPolicy).toBe('warn');
  },
  'PUT /v1/organisation/settings': async ({ gateway, a, b }) => {
    await expectOk(gateway, b.admin, 'PUT', path, { trustPolicy: 'block' });
    await expectOk(gateway, a.admin, 'PUT', path, { trustPolicy: 'warn' });
    expect((await expectOk<OrganisationSettings>(gateway, b.worker, 'GET', path)).trustPolicy).toBe('block');
    for (const actor of [a.worker, a.resident])
      expect((await api(gateway, actor, 'PUT', path, { trustPolicy: 'block' })).status).toBe(403);
    expect((await expectOk<OrganisationSettings>(gateway, a.worker, 'GET', path)).trustPolicy).toBe('warn');
    expect((await api(gateway, a.admin, 'PUT', path, { trustPolicy: 'never' })).status).toBe(400);
    expect((await api(gateway, a.admin, 'PUT', path, { trustPolicy: 'warn', extra: 1 })).status).toBe(400);
  },
};
