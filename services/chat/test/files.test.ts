import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirect, uploadFile } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { issueToken, seedOrganisation } from '@spreekuur/testing/identity';
import { cast, count, startChat, type ErrorBody, type Person, type TestChat } from './fixtures.ts';

/** Encrypted files: resumable chunked uploads, limits and quota, expiry, stored bytes. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('files', () => {
  it('upload in chunks, resume from what the server holds, download the exact ciphertext', async () => {
    const { worker, resident, direct } = await cast(chat, 'files');
    const created = await api<{ id: string; chunkCount: number }>(chat, worker, 'POST', '/v1/files', {
      channelId: direct.id,
      size: 40_000,
      chunkSize: 16_384,
    });
    expect(created.body.chunkCount).toBe(3);
    const bytes = Buffer.from(Array.from({ length: 40_000 }, (_, i) => i % 251));
    const put = (index: number, body: Buffer) =>
      chat.app.inject({
        method: 'PUT',
        url: `/v1/files/${created.body.id}/chunks/${index}`,
        headers: { authorization: `Bearer ${worker.token}`, 'content-type': 'application/octet-stream' },
        payload: body,
      });
    expect((await put(0, bytes.subarray(0, 16_384))).statusCode).toBe(204);
    expect(
      (await api<ErrorBody>(chat, worker, 'POST', `/v1/files/${created.body.id}/complete`)).body.error.code,
    ).toBe('ERR_CHAT_FILE_INCOMPLETE');
    // The connection drops; the client asks what arrived and sends the rest.
    const status = await api<{ receivedChunks: number[] }>(
      chat,
      worker,
      'GET',
      `/v1/files/${created.body.id}`,
    );
    expect(status.body.receivedChunks).toEqual([0]);
    expect((await put(1, bytes.subarray(16_384, 20_000))).statusCode).toBe(400); // wrong size for a middle chunk
    expect((await put(1, bytes.subarray(16_384, 32_768))).statusCode).toBe(204);
    expect((await put(2, bytes.subarray(32_768))).statusCode).toBe(204);
    expect((await api(chat, worker, 'POST', `/v1/files/${created.body.id}/complete`)).status).toBe(200);

    const download = await chat.app.inject({
      method: 'GET',
      url: `/v1/files/${created.body.id}/content`,
      headers: { authorization: `Bearer ${resident.token}` },
    });
    expect(download.statusCode).toBe(200);
    expect(Buffer.compare(download.rawPayload, bytes)).toBe(0);
  });

  it('refuses files over the size limit and over the organisation quota', async () => {
    const { worker, direct } = await cast(chat, 'quota');
    expect(
      (await api<ErrorBody>(chat, worker, 'POST', '/v1/files', { channelId: direct.id, size: 100_001 })).body
        .error.code,
    ).toBe('ERR_CHAT_FILE_TOO_LARGE');
    await uploadFile(chat, worker, direct.id, 90_000);
    expect(
      (await api<ErrorBody>(chat, worker, 'POST', '/v1/files', { channelId: direct.id, size: 70_000 })).body
        .error.code,
    ).toBe('ERR_CHAT_QUOTA_EXCEEDED');
  });

  it('one person cannot reserve the organisation’s space with uploads they never finish', async () => {
    const roomy = await startChat({ MAX_FILE_BYTES: '20000', ORG_STORAGE_QUOTA_BYTES: '1000000' });
    try {
      const { worker, resident } = await seedOrganisation(roomy, 'pending-uploads');
      const direct = await openDirect(roomy, worker, resident.personId);
      const start = (actor: Person) =>
        api<ErrorBody>(roomy, actor, 'POST', '/v1/files', { channelId: direct.id, size: 20_000 });
      const started = [await start(resident), await start(resident), await start(resident)];
      expect(started.map((r) => r.status)).toEqual([201, 201, 201]);
      const fourth = await start(resident);
      expect([fourth.status, fourth.body.error.code]).toEqual([429, 'ERR_CHAT_TOO_MANY_UPLOADS']);
      expect((await start(worker)).status).toBe(201); // the organisation still has room for others
    } finally {
      await roomy.close();
    }
  });

  it('expire: after the expiry the ciphertext is deleted and downloads say so', async () => {
    const { worker, resident, direct } = await cast(chat, 'file-expiry');
    const created = await api<{ id: string }>(chat, worker, 'POST', '/v1/files', {
      channelId: direct.id,
      size: 20_000,
      chunkSize: 16_384,
      expiresInSeconds: 3600,
    });
    for (const [index, size] of [
      [0, 16_384],
      [1, 3_616],
    ] as const) {
      await chat.app.inject({
        method: 'PUT',
        url: `/v1/files/${created.body.id}/chunks/${index}`,
        headers: { authorization: `Bearer ${worker.token}`, 'content-type': 'application/octet-stream' },
        payload: Buffer.alloc(size, 7),
      });
    }
    await api(chat, worker, 'POST', `/v1/files/${created.body.id}/complete`);
    chat.advanceClock(3_601_000);
    try {
      await chat.app.chat.sweep();
      // An hour on, the access token has expired too: sign in again, as the SDK does.
      const fresh = { token: await issueToken(chat, resident) };
      expect(
        (await api<ErrorBody>(chat, fresh, 'GET', `/v1/files/${created.body.id}/content`)).body.error.code,
      ).toBe('ERR_CHAT_FILE_EXPIRED');
    } finally {
      chat.advanceClock(-3_601_000);
    }
    expect(
      await count(chat, 'SELECT count(*)::int AS n FROM blob_chunks WHERE blob_id = $1', [created.body.id]),
    ).toBe(0);
  });

  it('stores exactly the ciphertext it was given (no transformation)', async () => {
    const { worker, direct } = await cast(chat, 'file-bytes');
    const file = await uploadFile(chat, worker, direct.id, 20_000);
    const { rows } = await chat.db.query<{ data: Uint8Array }>(
      'SELECT data FROM blob_chunks WHERE blob_id = $1 ORDER BY chunk_index',
      [file.id],
    );
    expect(Buffer.concat(rows.map((row) => Buffer.from(row.data))).equals(file.bytes)).toBe(true);
  });

  it('the OpenAPI document describes chunks and downloads as bytes, and their error answers', async () => {
    type Operation = {
      requestBody?: { content: Record<string, unknown> };
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    const { paths } = chat.app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
    const chunk = paths['/v1/files/{id}/chunks/{index}']!.put!;
    expect(Object.keys(chunk.requestBody!.content)).toEqual(['application/octet-stream']);
    const download = paths['/v1/files/{id}/content']!.get!;
    expect(Object.keys(download.responses)).toEqual(['200', '4XX', '5XX']);
    expect(Object.keys(download.responses['200']!.content!)).toEqual(['application/octet-stream']);
    expect(Object.keys(download.responses['4XX']!.content!)).toEqual(['application/json']);
  });
});
