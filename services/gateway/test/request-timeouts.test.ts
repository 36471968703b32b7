import { connect as connectTcp, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connect, seedOrganisation, startGateway, type Actor, type TestGateway } from './harness.ts';

/**
 * Issue 15, finding 4: a chunked body that never finished held a connection, unanswered, for
 * six minutes. With small deadlines from the configuration: stalled requests are answered
 * 408 and closed, answers given before a body was read close the connection, and socket.io's
 * WebSockets live on regardless.
 */
let gateway: TestGateway;
let admin: Actor;
beforeAll(async () => {
  gateway = await startGateway({
    env: { REQUEST_TIMEOUT_MS: '400', HEADERS_TIMEOUT_MS: '300', IDLE_TIMEOUT_MS: '600' },
  });
  ({ admin } = await seedOrganisation(gateway, 'timeouts'));
});
afterAll(() => gateway.close());

let logsBefore = 0;
beforeEach(() => {
  logsBefore = gateway.logs.length;
});
const errorLines = () =>
  gateway.logs.slice(logsBefore).filter((line) => (JSON.parse(line) as { level: number }).level >= 50);

interface RawExchange {
  socket: Socket;
  /** Everything the server sent. */
  received: () => string;
  /** Resolves once the server has sent a response's headers. */
  answered: () => Promise<void>;
  /** Resolves with what the server sent once it closed the connection (or "still open"). */
  closed: (waitMs?: number) => Promise<string>;
}

/** A raw TCP client: what a misbehaving (or slow) client really sends. */
async function raw(...chunks: string[]): Promise<RawExchange> {
  const { port } = new URL(gateway.url);
  const socket = connectTcp(Number(port), '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  let data = '';
  socket.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  for (const chunk of chunks) socket.write(chunk);
  return {
    socket,
    received: () => data,
    async answered() {
      for (let attempt = 0; attempt < 500 && !data.includes('\r\n\r\n'); attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async closed(waitMs = 5_000) {
      const open = new Promise<string>((resolve) => setTimeout(() => resolve('still open'), waitMs).unref());
      const outcome = await Promise.race([ended.then(() => 'closed'), open]);
      socket.destroy();
      return outcome === 'closed' ? data : `still open; received: ${JSON.stringify(data)}`;
    },
  };
}

function parse(response: string) {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => [
      line.slice(0, line.indexOf(':')).toLowerCase(),
      line.slice(line.indexOf(':') + 1).trim(),
    ]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

describe('request deadlines', () => {
  it('a chunked body that never finishes is answered 408 and its connection closed', async () => {
    const client = await raw(
      'POST /v1/teams HTTP/1.1\r\nHost: spreekuur\r\n' +
        `Authorization: Bearer ${admin.token}\r\nContent-Type: application/json\r\n` +
        'Transfer-Encoding: chunked\r\n\r\n5\r\n{"nam\r\n',
    );
    const response = parse(await client.closed());
    expect(response.status).toBe(408);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'ERR_REQUEST_TIMEOUT' } });
    expect(response.headers.connection).toBe('close');
    expect(errorLines()).toEqual([]);
  });

  it('headers that never finish are answered 408 and closed, and so is a silent connection', async () => {
    const partial = await raw('GET /v1/me HTTP/1.1\r\nHost: spreekuur\r\n');
    const silent = await raw();
    expect(parse(await partial.closed()).status).toBe(408);
    expect(parse(await silent.closed()).status).toBe(408);
  });

  it('an answer given before a large body was read closes the connection', async () => {
    const stranger = await raw(
      'POST /v1/teams HTTP/1.1\r\nHost: spreekuur\r\nContent-Type: application/json\r\n' +
        'Content-Length: 50000000\r\n\r\n{"name": "',
      'x'.repeat(10_000),
    );
    await stranger.answered();
    const unauthenticated = parse(stranger.received());
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.connection).toBe('close');
    expect(await stranger.closed(2_000)).toContain('401');

    const tooLarge = await raw(
      'POST /v1/teams HTTP/1.1\r\nHost: spreekuur\r\nContent-Type: application/json\r\n' +
        `Authorization: Bearer ${admin.token}\r\nContent-Length: 50000000\r\n\r\n{"name": "`,
    );
    await tooLarge.answered();
    const refused = parse(tooLarge.received());
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    expect(await tooLarge.closed(2_000)).toContain('413');
  });

  it('a well-behaved keep-alive client keeps its connection', async () => {
    const client = await raw('GET /healthz HTTP/1.1\r\nHost: spreekuur\r\n\r\n');
    await client.answered();
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: spreekuur\r\nConnection: close\r\n\r\n');
    const responses = (await client.closed()).split('HTTP/1.1 ').filter(Boolean);
    expect(responses).toHaveLength(2);
    expect(responses.map((response) => Number(response.slice(0, 3)))).toEqual([200, 200]);
    expect(responses[0]).toMatch(/connection: keep-alive/i);
  });

  it('a WebSocket stays up well past the request and idle deadlines', async () => {
    const socket = connect(gateway, admin.token);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('connect_error', reject);
      });
      let disconnected = false;
      socket.on('disconnect', () => (disconnected = true));
      // Nothing moves on it for three times the longest deadline (socket.io pings every 20 s).
      await new Promise((resolve) => setTimeout(resolve, 1_800));
      expect(disconnected).toBe(false);
      const ack = (await socket.emitWithAck('chat:sync', {})) as { ok: boolean };
      expect(ack.ok).toBe(true);
    } finally {
      socket.close();
    }
  });
});
