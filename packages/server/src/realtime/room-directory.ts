import type { Server } from 'socket.io';

/**
 * The local fast path of the Redis adapter: a push to device and person rooms goes through
 * Redis only when another node holds one of those rooms; otherwise it is delivered to this
 * node's sockets directly. Without it every push is written to the Redis stream, read back by
 * every node (also the sender's) and only then delivered, even when the recipient is connected
 * to the node that sent it (one node with Redis: always).
 *
 * Exactness: a node announces a device or person room to every other node, and waits for each
 * to acknowledge, before the socket that needs it is admitted (in the handshake middleware, so
 * before the client sees `connect`). A broadcast decided after that sees the room; one decided
 * before could not have reached the socket anyway, as it was not connected yet. What a node
 * believes about the others errs only towards "held": it forgets a room when the holder says
 * it let go (after its last socket there left), never on a timeout, so a slow node is still
 * sent to; a node that crashed leaves its rooms behind until this node restarts (they cost a
 * needless publish, nothing else). A node that starts asks every other for what it holds and
 * sends everything through Redis until they answered. Rooms of other kinds (organisation,
 * team, socket ids) and every other adapter operation go through Redis as before.
 */

/** Node ↔ node messages of the directory, carried by the adapter's `serverSideEmit`. */
export interface DirectoryEvents {
  'rooms:held': (node: string, rooms: string[], ack: (done: true) => void) => void;
  'rooms:released': (node: string, rooms: string[]) => void;
  'rooms:list': (ack: (answer: { node: string; rooms: string[] }) => void) => void;
}

/** What of the cluster adapter this needs (`ClusterAdapter` of socket.io-adapter). */
interface ClusterAdapterLike {
  uid: string;
  broadcast(packet: unknown, opts: { rooms: Set<string>; except?: Set<string>; flags?: object }): unknown;
}

/** Rooms that a push may skip Redis for (see `rooms.ts`). */
const isDirectoryRoom = (room: string) => room.startsWith('device:') || room.startsWith('person:');

type AnyServer = Server<never, never, DirectoryEvents>;

export interface RoomDirectory {
  /**
   * Holds `rooms` for a socket being admitted: resolves once every other node knows this node
   * has them; rejects (nothing held) if a node did not answer within the adapter's 5 s.
   */
  hold(rooms: readonly string[]): Promise<void>;
  /** Lets go of what `hold` took (the socket left, or was refused after all). */
  release(rooms: readonly string[]): void;
  /** Asks the other nodes what they hold; until then every push goes through Redis. */
  start(): Promise<void>;
  /** Tells the other nodes this node holds nothing any more (graceful shutdown). */
  stop(): void;
  /** Pushes delivered without Redis and through Redis, since start (metrics and tests). */
  readonly counts: { local: number; published: number };
}

export function createRoomDirectory(
  server: Server,
  options: { onError: (error: Error) => void },
): RoomDirectory {
  const io = server as unknown as AnyServer;
  const adapter = io.of('/').adapter as unknown as ClusterAdapterLike;
  const self = adapter.uid;
  /** Sockets (admitted or being admitted) of this node per directory room. */
  const held = new Map<string, number>();
  /** Rooms announced but not yet acknowledged by every node: the announcement to wait for. */
  const announcing = new Map<string, Promise<void>>();
  /** Directory room → the other nodes that hold it. */
  const remote = new Map<string, Set<string>>();
  let ready = false;
  const counts = { local: 0, published: 0 };

  const add = (node: string, rooms: readonly string[]) => {
    for (const room of rooms) {
      const nodes = remote.get(room) ?? new Set<string>();
      nodes.add(node);
      remote.set(room, nodes);
    }
  };
  io.on('rooms:held', (node, rooms, ack) => {
    add(node, rooms);
    ack(true);
  });
  io.on('rooms:released', (node, rooms) => {
    for (const room of rooms) {
      const nodes = remote.get(room);
      nodes?.delete(node);
      if (nodes?.size === 0) remote.delete(room);
    }
  });
  io.on('rooms:list', (ack) => ack({ node: self, rooms: [...held.keys()] }));

  const original = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    const local =
      ready &&
      !(opts.flags as { local?: boolean } | undefined)?.local &&
      opts.rooms.size > 0 &&
      [...opts.rooms].every((room) => isDirectoryRoom(room) && !remote.has(room));
    if (!local) {
      counts.published++;
      return original(packet, opts);
    }
    counts.local++;
    return original(packet, { ...opts, flags: { ...opts.flags, local: true } });
  };

  /** Rooms that became held in this turn of the event loop, announced together. */
  let batch: { rooms: string[]; done: Promise<void> } | null = null;
  const announce = (room: string): Promise<void> => {
    if (!batch) {
      const current: { rooms: string[]; done: Promise<void> } = { rooms: [], done: Promise.resolve() };
      current.done = new Promise<void>((resolve, reject) => {
        setImmediate(() => {
          batch = null;
          io.serverSideEmit('rooms:held', self, current.rooms, (error: Error | null) =>
            error ? reject(error) : resolve(),
          );
        });
      });
      batch = current;
    }
    batch.rooms.push(room);
    return batch.done;
  };

  const release = (rooms: readonly string[]) => {
    const gone: string[] = [];
    for (const room of rooms) {
      if (!isDirectoryRoom(room)) continue;
      const n = (held.get(room) ?? 0) - 1;
      if (n > 0) held.set(room, n);
      else {
        held.delete(room);
        announcing.delete(room);
        gone.push(room);
      }
    }
    if (gone.length > 0) io.serverSideEmit('rooms:released', self, gone);
  };

  return {
    counts,
    async hold(rooms) {
      const waits: Array<Promise<void>> = [];
      const taken = rooms.filter(isDirectoryRoom);
      for (const room of taken) {
        const n = held.get(room) ?? 0;
        held.set(room, n + 1);
        let pending = announcing.get(room);
        if (n === 0) {
          const done = announce(room);
          pending = done.then(() => {
            if (announcing.get(room) === pending) announcing.delete(room);
          });
          announcing.set(room, pending);
        }
        if (pending) waits.push(pending);
      }
      try {
        await Promise.all(waits);
      } catch (error) {
        release(taken);
        throw error;
      }
    },
    release,
    async start() {
      const answers = await new Promise<Array<{ node: string; rooms: string[] }>>((resolve, reject) =>
        io.serverSideEmit(
          'rooms:list',
          (error: Error | null, replies: Array<{ node: string; rooms: string[] }>) =>
            error ? reject(error) : resolve(replies),
        ),
      ).catch((error: unknown) => {
        options.onError(error instanceof Error ? error : new Error(String(error)));
        return null;
      });
      if (!answers) return;
      for (const answer of answers) add(answer.node, answer.rooms);
      ready = true;
    },
    stop() {
      ready = false;
      if (held.size > 0) io.serverSideEmit('rooms:released', self, [...held.keys()]);
      held.clear();
    },
  };
}
