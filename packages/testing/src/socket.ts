import { io, type Socket } from 'socket.io-client';

export type { Socket } from 'socket.io-client';

/** A socket.io client signed in with `token`, over WebSocket, that never reconnects by itself. */
export function connect(server: string | { url: string }, token: string): Socket {
  return io(typeof server === 'string' ? server : server.url, {
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** The next `event` on the socket. */
export function waitFor<T = unknown>(socket: Socket, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (value: T) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/**
 * The next `event` on the socket for which `matches` holds (pushes that do not match, e.g. a
 * periodic re-evaluation of the queue, are skipped).
 */
export function waitUntil<T>(
  socket: Socket,
  event: string,
  matches: (payload: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Everything a socket received of one event, for asserting what did not arrive. */
export function record<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string } };

export function emitWithAck<T>(socket: Socket, event: string, payload: unknown): Promise<Ack<T>> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack<T>>;
}
