import { createServer, type Server as HttpServer } from 'node:http';
import { Socket as TcpSocket, type AddressInfo } from 'node:net';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coalesceWrites } from './write-coalescing.ts';

/**
 * A real socket.io server and client over loopback. The server's TCP writes are counted by
 * wrapping net.Socket's write entry points for the sockets its HTTP server accepted (the
 * client's sockets in this process have no `server`).
 */
async function start(options: { coalesce: boolean }) {
  const http: HttpServer = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  if (options.coalesce) io.engine.on('connection', coalesceWrites);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client: ClientSocket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
  const [socket] = await Promise.all([
    new Promise<ServerSocket>((resolve) => io.once('connection', resolve)),
    new Promise<void>((resolve) => client.once('connect', () => resolve())),
  ]);
  // Let the handshake's own writes finish before counting.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const writes: number[] = [];
  const count = (original: (...args: never[]) => unknown) =>
    function (this: TcpSocket & { server?: unknown }, ...args: never[]) {
      if (this.server === http) writes.push(Date.now());
      return original.apply(this, args);
    };
  const proto = TcpSocket.prototype as unknown as Record<'_write' | '_writev', (...args: never[]) => unknown>;
  const { _write: write, _writev: writev } = proto;
  vi.spyOn(proto, '_write').mockImplementation(count(write));
  vi.spyOn(proto, '_writev').mockImplementation(count(writev));
  return {
    io,
    socket,
    client,
    writes,
    async close() {
      vi.restoreAllMocks();
      client.disconnect();
      await io.close();
    },
  };
}

describe('socket writes, coalesced per turn of the event loop', () => {
  let running: Awaited<ReturnType<typeof start>> | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  /** Five pushes in one turn, then waits until the client has them all. */
  async function pushFive(target: NonNullable<typeof running>) {
    const received: number[] = [];
    const all = new Promise<void>((resolve) =>
      target.client.on('push', (n: number) => {
        received.push(n);
        if (received.length === 5) resolve();
      }),
    );
    for (let n = 0; n < 5; n++) target.socket.emit('push', n);
    await all;
    return received;
  }

  it('sends the packets of one turn in one write, in order', async () => {
    running = await start({ coalesce: true });
    const received = await pushFive(running);
    expect(received).toEqual([0, 1, 2, 3, 4]);
    expect(running.writes).toHaveLength(1);
  });

  it('(without it, engine.io writes them one by one: what the change removes)', async () => {
    running = await start({ coalesce: false });
    expect(await pushFive(running)).toEqual([0, 1, 2, 3, 4]);
    expect(running.writes.length).toBeGreaterThan(1);
  });

  it('keeps acks, and packets queued while a write is in flight go out together', async () => {
    running = await start({ coalesce: true });
    const { socket, client } = running;
    socket.on('ask', (n: number, ack: (answer: number) => void) => ack(n * 2));
    const answers = await Promise.all([1, 2, 3].map((n) => client.emitWithAck('ask', n)));
    expect(answers).toEqual([2, 4, 6]);
    const before = running.writes.length;
    const received = await pushFive(running);
    expect(received).toEqual([0, 1, 2, 3, 4]);
    expect(running.writes.length - before).toBe(1);
  });

  it('closes cleanly: a disconnect queued behind pushes still reaches the client', async () => {
    running = await start({ coalesce: true });
    const { socket, client } = running;
    const reason = new Promise<string>((resolve) => client.once('disconnect', resolve));
    const received: number[] = [];
    client.on('push', (n: number) => received.push(n));
    socket.emit('push', 1);
    socket.emit('push', 2);
    socket.disconnect(true);
    expect(await reason).toBe('io server disconnect');
    expect(received).toEqual([1, 2]);
  });
});
