import { z } from 'zod';
import { errorBodySchema } from './errors.ts';

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
export const sessionEvents = {
  /** Replace the access token of a live socket before it expires. */
  'session:refresh': z.strictObject({ token: z.string().min(1).max(200) }),
} as const;

/** Server → client events of the session. */
export const sessionServerEvents = {
  /** This device was revoked; the socket is closed right after. */
  'session:revoked': z.object({ reason: z.enum(['device_revoked', 'token_expired']) }),
} as const;
