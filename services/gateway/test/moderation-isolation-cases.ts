import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { channelDevices, opaque } from '@spreekuur/testing/chat';
import { api, expectOk, type TestGateway } from './harness.ts';
import type { IsolationCase, IsolationContext } from './isolation-context.ts';

/**
 * Cross-organisation cases for the moderation routes (docs/moderation.md), merged into
 * organisation-isolation.test.ts. Organisation B has a moderated group with a muted member, a
 * pin and a report; nobody of A may see or change any of it.
 */
let bGroup: string;
let bSeq: number;
let bReport: string;
let bLink: { id: string; token: string };
let ctx: IsolationContext;

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
const lp = (bytes: Uint8Array) => Buffer.concat([Buffer.from([0, 0, 0, bytes.length]), bytes]);
const mac = (key: Uint8Array, label: string, parts: Uint8Array[]) =>
  createHmac('sha512', key)
    .update(Buffer.concat([lp(Buffer.from(`Spreekuur-v1/${label}`)), ...parts.map(lp)]))
    .digest()
    .subarray(0, 32);

export async function prepareModerationIsolation(context: IsolationContext): Promise<void> {
  ctx = context;
  const { gateway, b } = context;
  bGroup = (
    await expectOk<{ id: string }>(
      gateway,
      b.worker,
      'POST',
      '/v1/channels/groups',
      { name: 'Moderated B', memberIds: [b.resident.personId] },
      201,
    )
  ).id;
  const key = randomBytes(32);
  const bindingKey = mac(key, 'franking/binding-key', []);
  const digest = mac(mac(key, 'franking/hiding-key', []), 'franking/digest', [Buffer.from('bericht B')]);
  bSeq = (
    await expectOk<{ seq: number }>(gateway, b.worker, 'POST', '/v1/messages', {
      channelId: bGroup,
      clientId: randomUUID(),
      kind: 'group',
      ciphertext: opaque(),
      recipientDeviceIds: await channelDevices(gateway, b.worker, bGroup),
      frankingCommitment: b64(mac(bindingKey, 'franking/commitment', [digest])),
    })
  ).seq;
  await expectOk(gateway, b.worker, 'POST', `/v1/channels/${bGroup}/moderation/pins`, { seq: bSeq });
  bReport = (
    await expectOk<{ id: string }>(
      gateway,
      b.resident,
      'POST',
      '/v1/reports',
      {
        channelId: bGroup,
        seq: bSeq,
        reason: 'spam',
        opening: { bindingKey: b64(bindingKey), digest: b64(digest) },
        sealed: [{ deviceId: b.worker.deviceId, ciphertext: opaque(100) }],
      },
      201,
    )
  ).id;
  await expectOk(gateway, b.worker, 'POST', `/v1/channels/${bGroup}/moderation/mutes`, {
    personId: b.resident.personId,
    seconds: 3600,
  });
  await expectOk(gateway, b.worker, 'PUT', `/v1/channels/${bGroup}/moderation/approval`, { required: true });
  const created = await expectOk<{ link: { id: string }; token: string }>(
    gateway,
    b.worker,
    'POST',
    `/v1/channels/${bGroup}/moderation/links`,
    undefined,
    201,
  );
  bLink = { id: created.link.id, token: created.token };
}

/** B's moderation state and reports, to compare before and after A's attempts. */
async function bSnapshot(gateway: TestGateway) {
  const state = await expectOk(gateway, ctx.b.worker, 'GET', `/v1/channels/${bGroup}/moderation`);
  const reports = await expectOk(gateway, ctx.b.worker, 'GET', `/v1/channels/${bGroup}/reports`);
  const links = await expectOk(gateway, ctx.b.worker, 'GET', `/v1/channels/${bGroup}/moderation/links`);
  const requests = await expectOk(
    gateway,
    ctx.b.worker,
    'GET',
    `/v1/channels/${bGroup}/moderation/join-requests`,
  );
  return JSON.stringify({ state, reports, links, requests });
}

/** Every actor of A gets 404 for B's group, and B's state stays as it was. */
function refused(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: () => string,
  body?: () => unknown,
): IsolationCase {
  return async ({ gateway, a }) => {
    const before = await bSnapshot(gateway);
    for (const actor of [a.admin, a.worker, a.resident]) {
      const response = await api(gateway, actor, method, path(), body?.());
      expect([path(), response.status]).toEqual([path(), 404]);
    }
    expect(await bSnapshot(gateway)).toBe(before);
  };
}

const group = () => `/v1/channels/${bGroup}/moderation`;

export const moderationIsolationCases: Record<string, IsolationCase> = {
  'GET /v1/channels/:id/moderation': refused('GET', group),
  'POST /v1/channels/:id/moderation/mutes': refused(
    'POST',
    () => `${group()}/mutes`,
    () => ({
      personId: ctx.b.resident.personId,
      seconds: 60,
    }),
  ),
  'DELETE /v1/channels/:id/moderation/mutes/:personId': refused(
    'DELETE',
    () => `${group()}/mutes/${ctx.b.resident.personId}`,
  ),
  'POST /v1/channels/:id/moderation/bans': refused(
    'POST',
    () => `${group()}/bans`,
    () => ({
      personId: ctx.b.resident.personId,
    }),
  ),
  'DELETE /v1/channels/:id/moderation/bans/:personId': refused(
    'DELETE',
    () => `${group()}/bans/${ctx.b.resident.personId}`,
  ),
  'PUT /v1/channels/:id/moderation/slow-mode': refused(
    'PUT',
    () => `${group()}/slow-mode`,
    () => ({ seconds: 60 }),
  ),
  'PUT /v1/channels/:id/moderation/lock': refused(
    'PUT',
    () => `${group()}/lock`,
    () => ({ locked: true }),
  ),
  'POST /v1/channels/:id/moderation/pins': refused(
    'POST',
    () => `${group()}/pins`,
    () => ({ seq: bSeq }),
  ),
  'DELETE /v1/channels/:id/moderation/pins/:seq': refused('DELETE', () => `${group()}/pins/${bSeq}`),
  'PUT /v1/channels/:id/moderation/roles/:personId': refused(
    'PUT',
    () => `${group()}/roles/${ctx.b.resident.personId}`,
    () => ({
      role: 'moderator',
    }),
  ),
  'PUT /v1/channels/:id/moderation/approval': refused(
    'PUT',
    () => `${group()}/approval`,
    () => ({ required: false }),
  ),
  'POST /v1/channels/:id/moderation/links': refused('POST', () => `${group()}/links`),
  'GET /v1/channels/:id/moderation/links': refused('GET', () => `${group()}/links`),
  'DELETE /v1/channels/:id/moderation/links/:linkId': refused('DELETE', () => `${group()}/links/${bLink.id}`),
  'GET /v1/channels/:id/moderation/join-requests': refused('GET', () => `${group()}/join-requests`),
  'POST /v1/channels/:id/moderation/join-requests/:personId': refused(
    'POST',
    () => `${group()}/join-requests/${ctx.b.resident.personId}`,
    () => ({ decision: 'approve' }),
  ),
  // B's link opened by people of A: as unknown as a link that never existed.
  'POST /v1/group-links/preview': refused(
    'POST',
    () => '/v1/group-links/preview',
    () => ({ token: bLink.token }),
  ),
  'POST /v1/group-links/join': refused(
    'POST',
    () => '/v1/group-links/join',
    () => ({ token: bLink.token }),
  ),
  'GET /v1/channels/:id/reports': refused('GET', () => `/v1/channels/${bGroup}/reports`),
  'POST /v1/reports': refused(
    'POST',
    () => '/v1/reports',
    () => ({
      channelId: bGroup,
      seq: bSeq,
      reason: 'spam',
      opening: { bindingKey: opaque(32), digest: opaque(32) },
      sealed: [{ deviceId: ctx.b.worker.deviceId, ciphertext: opaque(100) }],
    }),
  ),
  'POST /v1/reports/:id/resolve': refused(
    'POST',
    () => `/v1/reports/${bReport}/resolve`,
    () => ({
      resolution: 'dismissed',
    }),
  ),
  'GET /v1/reports/mine': async ({ gateway, a }) => {
    for (const actor of [a.admin, a.worker, a.resident])
      expect(await expectOk(gateway, actor, 'GET', '/v1/reports/mine')).toEqual({ reports: [] });
  },
  'GET /v1/reports/overview': async ({ gateway, a, b }) => {
    expect(await expectOk(gateway, a.admin, 'GET', '/v1/reports/overview')).toEqual({ reports: [] });
    const own = await expectOk<{ reports: Array<{ id: string }> }>(
      gateway,
      b.admin,
      'GET',
      '/v1/reports/overview',
    );
    expect(own.reports.map((report) => report.id)).toEqual([bReport]);
  },
};
