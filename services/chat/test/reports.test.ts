import { createHmac, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opaque } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { connect, waitFor, waitUntil } from '@spreekuur/testing/socket';
import {
  addPerson,
  count,
  linkDevice,
  startChat,
  type ErrorBody,
  type Person,
  type TestChat,
} from './fixtures.ts';
import { moderatedGroup, sendToGroup } from './moderation-fixtures.ts';

/**
 * Reports under end-to-end encryption with message franking (packages/crypto/SPEC.md §14):
 * the server accepts a report only with an opening of the message's commitment, and never
 * sees the plaintext. The franking values are computed here as a client would, with an
 * implementation of the SPEC's MAC of its own (HMAC-SHA-512/256), independent of the server's.
 */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
function mac(key: Uint8Array, label: string, parts: Uint8Array[]): Buffer {
  const lp = (bytes: Uint8Array) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const input = Buffer.concat([lp(Buffer.from(`Spreekuur-v1/${label}`)), ...parts.map(lp)]);
  return createHmac('sha512', key).update(input).digest().subarray(0, 32);
}
/** A message as a sender frankes it: fresh key, opening, commitment. */
function franked(text: string) {
  const key = randomBytes(32);
  const plaintext = Buffer.from(JSON.stringify({ v: 2, text, frankingKey: b64(key) }));
  const bindingKey = mac(key, 'franking/binding-key', []);
  const digest = mac(mac(key, 'franking/hiding-key', []), 'franking/digest', [plaintext]);
  return {
    opening: { bindingKey: b64(bindingKey), digest: b64(digest) },
    commitment: b64(mac(bindingKey, 'franking/commitment', [digest])),
  };
}

type Report = {
  id: string;
  status: string;
  serverVerified: boolean;
  sealed: string | null;
  commitment?: string;
};

const group = (slug: string) => moderatedGroup(chat, slug);

async function send(actor: Person, channelId: string, commitment?: string) {
  const response = await sendToGroup(
    chat,
    actor,
    channelId,
    commitment ? { frankingCommitment: commitment } : {},
  );
  expect(response.status).toBe(200);
  return response.body.seq;
}

/** Opaque sealed reveals, one per moderator device (the server cannot tell them from real ones). */
const sealedFor = (...devices: Person[]) =>
  devices.map((device) => ({ deviceId: device.deviceId, ciphertext: opaque(120) }));

const reports = (channelId: string) =>
  count(chat, 'SELECT count(*)::int AS n FROM message_reports WHERE channel_id = $1', [channelId]);

describe('reports with message franking', () => {
  it('a member reports a franked message; the moderators see it verified, resolve it, and the reporter hears so', async () => {
    const g = await group('rep-flow');
    const message = franked('iets gemeens');
    const seq = await send(g.other, g.id, message.commitment);
    // Recipients get the commitment with the message, to check it after decrypting.
    const log = await api<{ events: Array<{ seq: number; frankingCommitment?: string }> }>(
      chat,
      g.member,
      'GET',
      `/v1/channels/${g.id}/events`,
    );
    expect(log.body.events.find((event) => event.seq === seq)?.frankingCommitment).toBe(message.commitment);

    const moderatorSocket = connect(chat, g.moderator.token);
    const reporterSocket = connect(chat, g.member.token);
    await Promise.all([waitFor(moderatorSocket, 'connect'), waitFor(reporterSocket, 'connect')]);
    const noticed = waitFor<{ reportId: string; status: string }>(moderatorSocket, 'moderation:report');

    const sealed = sealedFor(g.owner, g.moderator);
    const created = await api<Report>(chat, g.member, 'POST', '/v1/reports', {
      channelId: g.id,
      seq,
      reason: 'harassment',
      opening: message.opening,
      sealed,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: 'open',
      serverVerified: true,
      commitment: message.commitment,
      senderPersonId: g.other.personId,
    });
    expect(await noticed).toMatchObject({ reportId: created.body.id, status: 'open' });

    // Each moderator device gets its own sealed copy; members see no queue.
    const queue = await api<{ reports: Report[] }>(
      chat,
      g.moderator,
      'GET',
      `/v1/channels/${g.id}/reports?status=open`,
    );
    expect(queue.body.reports.map((report) => report.sealed)).toEqual([sealed[1]!.ciphertext]);
    const ownerQueue = await api<{ reports: Report[] }>(chat, g.owner, 'GET', `/v1/channels/${g.id}/reports`);
    expect(ownerQueue.body.reports[0]!.sealed).toBe(sealed[0]!.ciphertext);
    expect((await api<ErrorBody>(chat, g.other, 'GET', `/v1/channels/${g.id}/reports`)).body.error.code).toBe(
      'ERR_CHAT_ROLE_REQUIRED',
    );

    // Nothing but opaque bytes and keyed digests reached the database.
    const stored = await chat.db.query<{ ciphertext: Uint8Array }>(
      'SELECT ciphertext FROM message_report_reveals WHERE report_id = $1',
      [created.body.id],
    );
    expect(stored.rows).toHaveLength(2);
    expect(chat.logs.join('')).not.toContain('iets gemeens');

    // A member cannot resolve; a moderator can, once.
    const byMember = await api<ErrorBody>(chat, g.other, 'POST', `/v1/reports/${created.body.id}/resolve`, {
      resolution: 'dismissed',
    });
    expect(byMember.body.error.code).toBe('ERR_CHAT_ROLE_REQUIRED');
    const outcome = waitUntil<{ status: string }>(
      reporterSocket,
      'moderation:report',
      (notice) => notice.status !== 'open',
    );
    const resolved = await api<Report>(chat, g.moderator, 'POST', `/v1/reports/${created.body.id}/resolve`, {
      resolution: 'action_taken',
    });
    expect(resolved.body.status).toBe('action_taken');
    expect(await outcome).toMatchObject({ status: 'action_taken' });
    const again = await api<ErrorBody>(chat, g.owner, 'POST', `/v1/reports/${created.body.id}/resolve`, {
      resolution: 'dismissed',
    });
    expect(again.body.error.code).toBe('ERR_MOD_REPORT_RESOLVED');
    moderatorSocket.disconnect();
    reporterSocket.disconnect();

    // The reporter sees how it was handled; the admin sees that it exists, never the content.
    const mine = await api<{ reports: Report[] }>(chat, g.member, 'GET', '/v1/reports/mine');
    expect(mine.body.reports).toEqual([
      expect.objectContaining({ id: created.body.id, status: 'action_taken' }),
    ]);
    const overview = await api<{ reports: Report[] }>(chat, g.admin, 'GET', '/v1/reports/overview');
    expect(overview.body.reports).toEqual([
      expect.objectContaining({ id: created.body.id, status: 'action_taken' }),
    ]);
    expect(overview.body.reports[0]).not.toHaveProperty('sealed');
    expect(overview.body.reports[0]).not.toHaveProperty('commitment');
    expect((await api<ErrorBody>(chat, g.worker, 'GET', '/v1/reports/overview')).body.error.code).toBe(
      'ERR_FORBIDDEN',
    );
    const audit = await count(
      chat,
      `SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'moderation.report_%' AND org_id = $1`,
      [g.organisation.id],
    );
    expect(audit).toBe(2);
  });

  it('forged, misdirected, replayed and unfranked reports are each refused with their own code, and nothing is stored', async () => {
    const g = await group('rep-forged');
    const message = franked('echt bericht');
    const seq = await send(g.other, g.id, message.commitment);
    const elsewhere = await group('rep-forged-other');
    const otherMessage = franked('ander kanaal');
    const otherSeq = await send(elsewhere.other, elsewhere.id, otherMessage.commitment);
    const unfranked = await send(g.other, g.id);
    const flip = (value: string) => {
      const bytes = Buffer.from(value, 'base64url');
      bytes[0]! ^= 1;
      return b64(bytes);
    };
    const body = {
      channelId: g.id,
      seq,
      reason: 'spam',
      opening: message.opening,
      sealed: sealedFor(g.owner, g.moderator),
    };
    const cases: Array<[string, unknown, number, string]> = [
      [
        'wrong digest (other plaintext)',
        { ...body, opening: { ...message.opening, digest: flip(message.opening.digest) } },
        422,
        'ERR_MOD_REPORT_FORGED',
      ],
      [
        'wrong binding key',
        { ...body, opening: { ...message.opening, bindingKey: flip(message.opening.bindingKey) } },
        422,
        'ERR_MOD_REPORT_FORGED',
      ],
      [
        "another message's opening",
        { ...body, opening: franked('verzonnen').opening },
        422,
        'ERR_MOD_REPORT_FORGED',
      ],
      ['a message that was never sent', { ...body, seq: 999 }, 404, 'ERR_NOT_FOUND'],
      [
        "another channel's message claimed for this one",
        { ...body, seq: otherSeq, opening: otherMessage.opening },
        422,
        'ERR_MOD_REPORT_FORGED',
      ],
      [
        "another channel's message under its own channel",
        { ...body, channelId: elsewhere.id, seq: otherSeq, opening: otherMessage.opening },
        404,
        'ERR_NOT_FOUND',
      ],
      ['a message without commitment', { ...body, seq: unfranked }, 422, 'ERR_MOD_NOT_FRANKED'],
      [
        'the reveal not sealed to every moderator device',
        { ...body, sealed: sealedFor(g.owner) },
        409,
        'ERR_CHAT_DEVICES_CHANGED',
      ],
      [
        'bad input: short digest',
        { ...body, opening: { ...message.opening, digest: opaque(16) } },
        400,
        'ERR_BAD_REQUEST',
      ],
      ['bad input: unknown reason', { ...body, reason: 'boring' }, 400, 'ERR_BAD_REQUEST'],
      ['bad input: extra field (plaintext)', { ...body, plaintext: 'echt bericht' }, 400, 'ERR_BAD_REQUEST'],
    ];
    for (const [what, payload, status, code] of cases) {
      const response = await api<ErrorBody>(chat, g.member, 'POST', '/v1/reports', payload);
      expect([what, response.status, response.body.error.code]).toEqual([what, status, code]);
    }
    // The other channel's member reporting into a channel they are not in.
    const outsider = await api<ErrorBody>(chat, elsewhere.member, 'POST', '/v1/reports', body);
    expect(outsider.body.error.code).toBe('ERR_NOT_FOUND');
    const colleague = await addPerson(chat, g, 'worker', 'Collega');
    const notMember = await api<ErrorBody>(chat, colleague, 'POST', '/v1/reports', body);
    expect(notMember.body.error.code).toBe('ERR_CHAT_NOT_MEMBER');
    expect(await reports(g.id)).toBe(0);

    expect((await api(chat, g.member, 'POST', '/v1/reports', body)).status).toBe(201);
    const replay = await api<ErrorBody>(chat, g.member, 'POST', '/v1/reports', body);
    expect([replay.status, replay.body.error.code]).toEqual([409, 'ERR_MOD_REPORT_DUPLICATE']);
    expect(await reports(g.id)).toBe(1);
  });

  it('a commitment altered in the database no longer carries the server tag: the report is refused', async () => {
    const g = await group('rep-tamper');
    const real = franked('wat er echt stond');
    const seq = await send(g.other, g.id, real.commitment);
    const planted = franked('wat iemand wil laten zien');
    await chat.db.query('UPDATE message_franking SET commitment = $3 WHERE channel_id = $1 AND seq = $2', [
      g.id,
      seq,
      Buffer.from(planted.commitment, 'base64url'),
    ]);
    const response = await api<ErrorBody>(chat, g.member, 'POST', '/v1/reports', {
      channelId: g.id,
      seq,
      reason: 'other',
      opening: planted.opening,
      sealed: sealedFor(g.owner, g.moderator),
    });
    expect(response.body.error.code).toBe('ERR_MOD_REPORT_FORGED');
  });

  it('a moderator reporting seals to the other moderator devices only; a second device of the reporter counts', async () => {
    const g = await group('rep-moderator');
    const tablet = await linkDevice(chat, g.moderator);
    const message = franked('bericht');
    const seq = await send(g.other, g.id, message.commitment);
    const response = await api<Report>(chat, g.moderator, 'POST', '/v1/reports', {
      channelId: g.id,
      seq,
      reason: 'spam',
      opening: message.opening,
      sealed: sealedFor(g.owner, tablet),
    });
    expect(response.status).toBe(201);
  });

  it('reports are rate-limited per person', async () => {
    const g = await group('rep-limit');
    const messages = [];
    for (let i = 0; i < 11; i++) {
      const message = franked(`bericht ${i}`);
      messages.push({ ...message, seq: await send(g.other, g.id, message.commitment) });
    }
    const statuses = [];
    for (const message of messages) {
      const response = await api<ErrorBody>(chat, g.member, 'POST', '/v1/reports', {
        channelId: g.id,
        seq: message.seq,
        reason: 'spam',
        opening: message.opening,
        sealed: sealedFor(g.owner, g.moderator),
      });
      statuses.push(response.status === 429 ? response.body.error.code : response.status);
    }
    expect(statuses).toEqual([...Array<number>(10).fill(201), 'ERR_RATE_LIMITED']);
    expect(await reports(g.id)).toBe(10);
  });
});
