import { z } from 'zod';
import { chatClientEvents, chatServerEvents } from './chat/events.ts';
import { errorBodySchema } from './errors.ts';
import { schedulingClientEvents, schedulingServerEvents } from './scheduling/events.ts';

/**
 * socket.io conventions. A client event is emitted with one payload and an ack callback;
 * the server always answers the ack with {@link Ack}: `{ ok: true, data }` or
 * `{ ok: false, error }` with the same error body as HTTP.
 */
export const ackSchema = <T extends z.ZodType>(data: T) =>
  z.union([
    z.object({ ok: z.literal(true), data }),
    z.object({ ok: z.literal(false), error: errorBodySchema.shape.error }),
  ]);

export type Ack<T> = { ok: true; data: T } | { ok: false; error: z.infer<typeof errorBodySchema>['error'] };

/** The socket.io handshake: `io(url, { auth: { token, locale } })`. */
export const handshakeAuth = z.object({
  token: z.string().min(1).max(200),
  locale: z.enum(['nl', 'en']).optional(),
});

/** Client → server events that exist regardless of service. */
export const sessionClientEvents = {
  /** Replace the access token of a live socket before it expires. */
  'session:refresh': {
    payload: z.strictObject({ token: z.string().min(1).max(200) }),
    ack: z.object({ expiresAt: z.iso.datetime({ offset: true }) }),
  },
} as const;

/** Server → client events of the session. */
export const sessionServerEvents = {
  /** This device was revoked; the socket is closed right after. */
  'session:revoked': z.object({ reason: z.enum(['device_revoked', 'token_expired']) }),
} as const;

/** Every event a client may emit, with its payload schema and the schema of a successful ack. */
export const clientEvents = {
  ...sessionClientEvents,
  ...chatClientEvents,
  ...schedulingClientEvents,
} as const;

/** Every event the server pushes, with the schema clients parse it with. */
export const serverEvents = {
  ...sessionServerEvents,
  ...chatServerEvents,
  ...schedulingServerEvents,
} as const;

export type ClientEventName = keyof typeof clientEvents;
export type ServerEventName = keyof typeof serverEvents;

/** What a client sends with an event, and what the ack carries when it succeeds. */
export type ClientEventPayload<E extends ClientEventName> = z.input<(typeof clientEvents)[E]['payload']>;
export type ClientEventAck<E extends ClientEventName> = z.output<(typeof clientEvents)[E]['ack']>;
/** A server push as emitted (before the client parses it). */
export type ServerEventPayload<E extends ServerEventName> = z.input<(typeof serverEvents)[E]>;

/** socket.io's event maps (the generics of `Server`, `Socket` and the client's `Socket`). */
export type ClientToServerEvents = {
  [E in ClientEventName]: (
    payload: ClientEventPayload<E>,
    ack: (answer: Ack<ClientEventAck<E>>) => void,
  ) => void;
};
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};
