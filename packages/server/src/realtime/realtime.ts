import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Server, type BroadcastOperator, type Socket } from 'socket.io';
import type { z } from 'zod';
import type { Locale } from '@spreekuur/protocol/common';
import {
  AppError,
  errorCatalog,
  type ErrorCode,
  type ErrorDetails,
  type FieldIssue,
} from '@spreekuur/protocol/errors';
import {
  clientEvents,
  handshakeAuth,
  type Ack,
  type ClientEventName,
  type ClientToServerEvents,
  type ServerEventName,
  type ServerEventPayload,
  type ServerToClientEvents,
} from '@spreekuur/protocol/realtime';
import { resolveAccessToken } from '../auth/access-tokens.ts';
import { isBackendUnavailable } from '../backend-unavailable.ts';
import { nulCharacterIssue } from '../nul-characters.ts';
import type { Principal } from '../auth/principal.ts';
import { preferredLocale } from '../http/locale.ts';
import { createRateLimiter } from '../limits/index.ts';
import { observeRedisErrors } from '../redis.ts';
import { perMinute } from '../limits/rate-limiter.ts';
import { adapterPublisher } from './adapter-publisher.ts';
import { createRoomDirectory, type DirectoryEvents, type RoomDirectory } from './room-directory.ts';
import { rooms } from './rooms.ts';
import { coalesceWrites } from './write-coalescing.ts';
import { SocketEventLimits } from './socket-limits.ts';

export interface SocketData {
  principal: Principal;
  locale: Locale;
}
/** Nodes talk to each other through the adapter's own messages and the room directory's. */
type InterServerEvents = DirectoryEvents;
export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/**
 * Emits an event whose name is a type parameter (socket.io's typed `emit` resolves only a
 * literal name); the payload is still checked against the protocol's map.
 */
export function emitTo<E extends ServerEventName>(
  target: BroadcastOperator<ServerToClientEvents, SocketData>,
  event: E,
  payload: ServerEventPayload<E>,
): void {
  (target.emit.bind(target) as (event: E, payload: ServerEventPayload<E>) => boolean)(event, payload);
}

export interface RealtimeContext {
  principal: Principal;
  socket: AppSocket;
}

type Definition<E extends ClientEventName> = (typeof clientEvents)[E];
/** A handler gets the validated payload and answers what the event's ack schema describes. */
export type EventHandler<E extends ClientEventName> = (
  payload: z.output<Definition<E>['payload']>,
  context: RealtimeContext,
) => Promise<z.input<Definition<E>['ack']>>;
type ConnectionListener = (socket: AppSocket) => void | Promise<void>;
/** Told when a handled event was answered: `ok` false for a refusal or failure (metrics). */
type HandledListener = (event: ClientEventName, ok: boolean, seconds: number) => void;
/** How many recipients one pushed channel event had: devices (pairwise) or people (members). */
type FanoutListener = (kind: 'pairwise' | 'members', recipients: number) => void;

export interface Realtime {
  readonly io: AppServer;
  /**
   * Registers the handler of a client event declared in the protocol (`clientEvents`): its
   * payload is validated with the protocol's schema; the result or the error is the ack.
   */
  handle<E extends ClientEventName>(event: E, handler: EventHandler<E>): void;
  onConnection(listener: ConnectionListener): void;
  onDisconnect(listener: ConnectionListener): void;
  onEventHandled(listener: HandledListener): void;
  /** Delivery reports the size of each fan-out here; metrics listen with `onFanout`. */
  fanout: FanoutListener;
  onFanout(listener: FanoutListener): void;
  /** Errors of the Redis client and of the adapter's own clients (scaled mode only). */
  onRedisError(listener: (error: Error) => void): void;
  /** Closes every socket of a device, on every node. */
  disconnectDevice(deviceId: string, reason: 'device_revoked' | 'token_expired'): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
  }
}

/**
 * Waits until the Redis Streams adapter has subscribed to this node's channel. Until then the
 * node would miss what other nodes send it; and a node closed before the subscription lands
 * makes the adapter's unawaited SUBSCRIBE reject unhandled. Gives up after a few seconds with
 * a warning: a Redis outage must not keep the node from starting (readiness reports it).
 */
async function untilSubscribed(app: FastifyInstance, channel: string): Promise<void> {
  const redis = app.redis!;
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline) {
    const answer = (await redis.pubsub('NUMSUB', channel).catch(() => [channel, 0])) as [string, number];
    if (Number(answer[1]) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  app.log.warn({ channel }, 'socket.io Redis adapter not subscribed yet; continuing');
}

function ackError(code: ErrorCode, locale: Locale, details: ErrorDetails = {}): Ack<never> {
  return { ok: false, error: { code, message: errorCatalog[code][locale], ...details } };
}

function issuesOf(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    message: issue.message,
  }));
}

/**
 * socket.io on the same HTTP server as fastify. In scaled mode the Redis Streams adapter
 * carries room broadcasts between nodes (and the room directory skips it when no other node
 * holds a recipient); in embedded mode the default in-process adapter does. There is no
 * connection-state recovery: clients catch up by seq. Every connection is authenticated with
 * an access token at the handshake and joins its device, person and organisation rooms.
 */
export const realtimePlugin = fp(
  async (app: FastifyInstance) => {
    const { config } = app;
    const redisErrorListeners: Array<(error: Error) => void> = [];
    if (app.redis)
      observeRedisErrors(app.redis, (error) => {
        for (const listener of redisErrorListeners) listener(error);
      });
    const fanoutListeners: FanoutListener[] = [];
    const io: AppServer = new Server(app.server, {
      path: '/socket.io',
      serveClient: false,
      maxHttpBufferSize: config.MAX_ENVELOPE_BYTES * 2,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      // No connection-state recovery: the SDK catches up by seq after every (re)connect (and
      // watches its queues again), which recovery cannot replace, and recovery kept every
      // broadcast packet in memory for its whole window (the in-process adapter) and scanned
      // them all for each returning socket.
      cors: { origin: config.PUBLIC_URL },
      ...(app.redis
        ? {
            adapter: createAdapter(
              adapterPublisher(app.redis, (error) => {
                // A shutdown that quit Redis first is expected; anything else is worth a line.
                if (app.redis?.status !== 'end')
                  app.log.warn({ err: error }, 'socket.io adapter: a node-to-node message was not sent');
              }),
              {
                streamName: `${config.REDIS_PREFIX}:socket.io`,
                channelPrefix: `${config.REDIS_PREFIX}:socket.io`,
                sessionKeyPrefix: `${config.REDIS_PREFIX}:socket.io:session:`,
              },
            ),
          }
        : {}),
    });
    // One write per socket per turn of the event loop, not one per packet (write-coalescing.ts).
    io.engine.on('connection', coalesceWrites);

    const handlers = new Map<
      string,
      (socket: AppSocket, payload: unknown, ack?: (answer: unknown) => void) => void
    >();
    const connectionListeners: ConnectionListener[] = [];
    const disconnectListeners: ConnectionListener[] = [];
    const handledListeners: HandledListener[] = [];
    const expiryTimers = new WeakMap<AppSocket, NodeJS.Timeout>();

    /** Tells one socket of this node why it is closed, then closes it (a local broadcast: no Redis). */
    const closeSocket = (socket: AppSocket, reason: 'device_revoked' | 'token_expired') => {
      io.local.to(socket.id).emit('session:revoked', { reason });
      socket.disconnect(true);
    };

    const scheduleExpiry = (socket: AppSocket) => {
      clearTimeout(expiryTimers.get(socket));
      const remaining = socket.data.principal.tokenExpiresAt.getTime() - app.clock().getTime();
      const timer = setTimeout(
        () => closeSocket(socket, 'token_expired'),
        Math.max(0, Math.min(remaining, 2 ** 31 - 1)),
      );
      timer.unref();
      expiryTimers.set(socket, timer);
    };

    /** Whether the socket's handshake token still resolves to its device (not revoked, not expired). */
    const stillAuthorised = async (socket: AppSocket): Promise<boolean> => {
      const auth = handshakeAuth.safeParse(socket.handshake.auth);
      if (!auth.success) return false;
      const principal = await resolveAccessToken(app.db, auth.data.token, app.clock());
      return principal?.deviceId === socket.data.principal.deviceId;
    };

    const eventLimits = new SocketEventLimits(config, () => app.clock().getTime());
    const connectLimit = createRateLimiter({
      name: 'socket-connects',
      policy: perMinute(
        config.RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE,
        config.RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE,
      ),
      redis: app.redis,
      redisPrefix: config.REDIS_PREFIX,
      now: () => app.clock().getTime(),
      onError: (error) => app.log.warn({ err: error }, 'socket connection limit: Redis unavailable'),
    });
    /** This node's open sockets of a device (the adapter keeps its local rooms in memory). */
    const openSocketsOf = (deviceId: string) =>
      io.of('/').adapter.rooms.get(rooms.device(deviceId))?.size ?? 0;

    /** Scaled mode: pushes to device and person rooms held only by this node skip Redis. */
    const directory: RoomDirectory | null = app.redis
      ? createRoomDirectory(io, {
          onError: (error) =>
            app.log.warn({ err: error }, 'room directory: not every node answered; pushes go through Redis'),
        })
      : null;
    const roomsOf = (principal: Principal) => [
      rooms.device(principal.deviceId),
      rooms.person(principal.personId),
      rooms.organisation(principal.orgId),
    ];
    const heldRooms = new WeakMap<AppSocket, string[]>();

    io.use((socket, next) => {
      const auth = handshakeAuth.safeParse(socket.handshake.auth);
      const refuse = (
        code: 'ERR_UNAUTHENTICATED' | 'ERR_RATE_LIMITED' | 'ERR_UNAVAILABLE',
        retryAfter?: number,
      ) => {
        const error = new Error(errorCatalog[code].en) as Error & { data: unknown };
        error.data = { code, ...(retryAfter ? { retryAfter } : {}) };
        next(error);
      };
      if (!auth.success) return refuse('ERR_UNAUTHENTICATED');
      resolveAccessToken(app.db, auth.data.token, app.clock()).then(
        async (principal) => {
          if (!principal) return refuse('ERR_UNAUTHENTICATED');
          // A device holds a few sockets (a phone, some tabs), never a hundred; and a client that
          // reconnects in a tight loop is slowed down before it costs more than a token lookup.
          if (openSocketsOf(principal.deviceId) >= config.MAX_SOCKETS_PER_DEVICE)
            return refuse('ERR_RATE_LIMITED', 60);
          const allowed = await connectLimit.take(principal.deviceId);
          if (!allowed.ok) return refuse('ERR_RATE_LIMITED', allowed.retryAfterSeconds);
          socket.data.principal = principal;
          socket.data.locale =
            auth.data.locale ?? preferredLocale(socket.handshake.headers['accept-language']);
          if (directory) {
            // Every other node learns that this node holds the socket's rooms before the client
            // sees `connect` (see room-directory.ts); the rooms are let go when it disconnects.
            const held = roomsOf(principal);
            try {
              await directory.hold(held);
            } catch (error) {
              app.log.warn({ err: error }, 'socket refused: room directory not acknowledged');
              return refuse('ERR_UNAVAILABLE', 2);
            }
            heldRooms.set(socket, held);
            // A handshake that never becomes a connection (the client went away meanwhile).
            socket.conn.once('close', () => {
              if (!socket.connected && heldRooms.delete(socket)) directory.release(held);
            });
          }
          next();
        },
        (error: unknown) => {
          app.log.error({ err: error }, 'socket authentication failed');
          // A refusal in the handshake is final for socket.io's client; the code tells ours to
          // come back (the database was slow or away), rather than stay offline for good.
          refuse('ERR_UNAVAILABLE', 2);
        },
      );
    });

    io.on('connection', (socket) => {
      const { principal } = socket.data;
      const joined = socket.join(roomsOf(principal));
      scheduleExpiry(socket);
      // Revoking a device commits, then disconnects its room once. A handshake whose token
      // lookup ran before that commit may join the room only after the broadcast, so the token
      // is looked up again now that the rooms are joined: if the revocation committed first,
      // this sees it; if not, the socket was already in the room when the broadcast came.
      // Events wait for this second look.
      const admitted = Promise.resolve(joined)
        .then(() => stillAuthorised(socket))
        .then(
          (valid) => {
            if (!valid) closeSocket(socket, 'device_revoked');
            return valid;
          },
          (error: unknown) => {
            app.log.error({ err: error, socket: socket.id }, 'socket re-authentication failed');
            socket.disconnect(true);
            return false;
          },
        );
      socket.onAny((event: string, ...args: unknown[]) => {
        const ack = typeof args.at(-1) === 'function' ? (args.pop() as (answer: unknown) => void) : undefined;
        void admitted.then((valid) => {
          if (!valid || !socket.connected) return;
          const handler = handlers.get(event);
          if (!handler) {
            ack?.(ackError('ERR_NOT_FOUND', socket.data.locale));
            return;
          }
          const allowed = eventLimits.take(event as ClientEventName, socket.data.principal);
          if (!allowed.ok) {
            ack?.(
              ackError('ERR_RATE_LIMITED', socket.data.locale, { retryAfter: allowed.retryAfterSeconds }),
            );
            return;
          }
          handler(socket, args[0], ack);
        });
      });
      socket.on('disconnect', () => {
        clearTimeout(expiryTimers.get(socket));
        const held = heldRooms.get(socket);
        if (held && directory && heldRooms.delete(socket)) directory.release(held);
        for (const listener of disconnectListeners) {
          Promise.resolve(listener(socket)).catch((error: unknown) =>
            app.log.error({ err: error, socket: socket.id }, 'disconnect listener failed'),
          );
        }
      });
      for (const listener of connectionListeners) {
        Promise.resolve(listener(socket)).catch((error: unknown) =>
          app.log.error({ err: error, socket: socket.id }, 'connection listener failed'),
        );
      }
    });

    const realtime: Realtime = {
      io,
      handle(event, handler) {
        if (handlers.has(event)) throw new Error(`socket event registered twice: ${event}`);
        const schema: z.ZodType = clientEvents[event].payload;
        handlers.set(event, (socket, payload, ack) => {
          const nul = nulCharacterIssue(payload, 'payload');
          if (nul) {
            ack?.(ackError('ERR_BAD_REQUEST', socket.data.locale, { issues: [nul] }));
            return;
          }
          const parsed = schema.safeParse(payload);
          if (!parsed.success) {
            ack?.(ackError('ERR_BAD_REQUEST', socket.data.locale, { issues: issuesOf(parsed.error) }));
            return;
          }
          const started = process.hrtime.bigint();
          const handled = (ok: boolean) => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            for (const listener of handledListeners) listener(event, ok, seconds);
          };
          handler(parsed.data as z.output<Definition<typeof event>['payload']>, {
            principal: socket.data.principal,
            socket,
          }).then(
            (data) => {
              handled(true);
              ack?.({ ok: true, data });
            },
            (error: unknown) => {
              handled(false);
              if (error instanceof AppError) {
                ack?.(ackError(error.code, socket.data.locale, error.details));
                return;
              }
              if (isBackendUnavailable(error)) {
                app.log.warn({ err: error, event, socket: socket.id }, 'socket handler: backend unavailable');
                ack?.(ackError('ERR_UNAVAILABLE', socket.data.locale));
                return;
              }
              app.log.error({ err: error, event, socket: socket.id }, 'socket handler failed');
              ack?.(ackError('ERR_INTERNAL', socket.data.locale));
            },
          );
        });
      },
      onConnection: (listener) => void connectionListeners.push(listener),
      onDisconnect: (listener) => void disconnectListeners.push(listener),
      onEventHandled: (listener) => void handledListeners.push(listener),
      fanout: (kind, recipients) => {
        for (const listener of fanoutListeners) listener(kind, recipients);
      },
      onFanout: (listener) => void fanoutListeners.push(listener),
      onRedisError: (listener) => void redisErrorListeners.push(listener),
      async disconnectDevice(deviceId, reason) {
        io.to(rooms.device(deviceId)).emit('session:revoked', { reason });
        io.in(rooms.device(deviceId)).disconnectSockets(true);
      },
    };

    realtime.handle('session:refresh', async ({ token }, { socket }) => {
      const principal = await resolveAccessToken(app.db, token, app.clock());
      if (!principal || principal.deviceId !== socket.data.principal.deviceId)
        throw new AppError('ERR_UNAUTHENTICATED');
      socket.data.principal = principal;
      scheduleExpiry(socket);
      return { expiresAt: principal.tokenExpiresAt.toISOString() };
    });

    app.decorate('realtime', realtime);

    if (app.redis) {
      // The adapter's channel for this node: `<prefix>#<namespace>#<uid>#` (ClusterAdapter.uid).
      const { uid } = io.of('/').adapter as unknown as { uid: string };
      await untilSubscribed(app, `${config.REDIS_PREFIX}:socket.io#/#${uid}#`);
      await directory?.start();
    }

    // Graceful shutdown: stop taking sockets, tell connected clients to reconnect elsewhere.
    app.addHook('preClose', async () => {
      io.local.disconnectSockets(true);
      directory?.stop();
    });
    // Closes the adapter too (its Redis stream readers); resolves even if fastify already closed the HTTP server.
    app.addHook('onClose', async () => {
      await io.close();
    });
  },
  { name: 'spreekuur-realtime', dependencies: ['spreekuur-infrastructure'] },
);
