import type { Socket } from 'socket.io';

/** engine.io's connection under a socket.io socket; `flush` is private in its types. */
type EngineSocket = Socket['conn'];
interface Flushable {
  flush(): void;
}

/**
 * One system call per socket per turn of the event loop, instead of one per packet.
 *
 * engine.io flushes each packet the moment it is queued, and ws writes every frame with a
 * `writev` of its own: a 1:1 message costs three (the push, the sender's echo, the ack), and a
 * committed batch of sends gives a device several pushes and acks in the same turn. In the
 * load profile those writes were 35 % of the server's busy time (docs/benchmarks.md).
 *
 * Here a connection's flush waits for the end of the current turn (`process.nextTick`: after
 * the promise continuations that emit a batch's acks and pushes, before any I/O), and the
 * WebSocket's TCP socket is corked while engine.io hands it everything queued meanwhile, so the
 * frames leave in one write. Order is unchanged (one buffer, flushed in order); no packet
 * waits for I/O or a timer, only for the code that is already running to finish.
 */
export function coalesceWrites(connection: EngineSocket): void {
  const flushable = connection as unknown as Flushable;
  const flushNow = flushable.flush.bind(connection);
  let scheduled = false;
  flushable.flush = () => {
    if (scheduled) return;
    scheduled = true;
    process.nextTick(() => {
      scheduled = false;
      const tcp = tcpSocketOf(connection);
      tcp?.cork();
      try {
        flushNow();
      } finally {
        tcp?.uncork();
      }
    });
  };
}

/** The TCP socket under a WebSocket transport (ws keeps it as `_socket`); none for polling. */
function tcpSocketOf(connection: EngineSocket): { cork(): void; uncork(): void } | undefined {
  const transport = connection.transport as unknown as { name: string; socket?: { _socket?: unknown } };
  if (transport.name !== 'websocket') return undefined;
  const tcp = transport.socket?._socket as
    { cork?: unknown; uncork?: unknown; destroyed?: boolean } | undefined;
  if (!tcp || tcp.destroyed || typeof tcp.cork !== 'function' || typeof tcp.uncork !== 'function')
    return undefined;
  return tcp as { cork(): void; uncork(): void };
}
