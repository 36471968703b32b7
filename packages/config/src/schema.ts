import { z } from 'zod';
import { trustProxySchema } from './trust-proxy.ts';

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const postgresUrl = z
  .url({ error: 'must be a postgres:// URL' })
  .refine((value) => /^postgres(ql)?:\/\//.test(value), { error: 'must be a postgres:// URL' });

const redisUrl = z
  .url({ error: 'must be a redis:// URL' })
  .refine((value) => /^rediss?:\/\//.test(value), { error: 'must be a redis:// or rediss:// URL' });

/** An environment variable that is unset or empty counts as "not given". */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

/**
 * Every setting the server reads from its environment. This is the one definition:
 * docs (README configuration table) and the start-up check are derived from it.
 */
export const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535, { error: 'must be a port number (0-65535)' }).default(8080),
  PUBLIC_URL: optional(z.url({ error: 'must be an absolute URL such as https://spreekuur.example.nl' })),
  DATABASE_URL: optional(postgresUrl),
  DATABASE_SCHEMA: optional(
    z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, { error: 'must be a lower-case SQL identifier' }),
  ),
  REDIS_URL: optional(redisUrl),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_:-]{1,64}$/, { error: 'must be 1-64 letters, digits, _ : or -' })
    .default('spreekuur'),
  DATA_DIR: z.string().min(1).default('.data'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ID: optional(z.string().min(1).max(64)),
  TRUST_PROXY: optional(trustProxySchema),
  ACCESS_TOKEN_TTL_SECONDS: positiveInt(15 * 60),
  INVITE_TTL_DAYS: positiveInt(7),
  MAX_FILE_BYTES: positiveInt(25 * 1024 * 1024),
  ORG_STORAGE_QUOTA_BYTES: positiveInt(2 * 1024 * 1024 * 1024),
  MAX_ENVELOPE_BYTES: positiveInt(256 * 1024),
  SHUTDOWN_TIMEOUT_MS: positiveInt(10_000),
  RATE_LIMIT_AUTH_PER_MINUTE: positiveInt(20),
  RATE_LIMIT_DEVICE_PER_MINUTE: positiveInt(600),
  RATE_LIMIT_DEVICE_BURST: positiveInt(300),
  RATE_LIMIT_SOCKET_SENDS_PER_SECOND: positiveInt(10),
  RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: positiveInt(10),
  RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: positiveInt(30),
  MAX_SOCKETS_PER_DEVICE: positiveInt(5),
  REQUEST_TIMEOUT_MS: positiveInt(30_000),
  HEADERS_TIMEOUT_MS: positiveInt(10_000),
  IDLE_TIMEOUT_MS: positiveInt(60_000),
  OPERATOR_TOKEN: optional(z.string().min(32, { error: 'must be at least 32 characters' }).max(200)),
  METRICS_TOKEN: optional(z.string().min(32, { error: 'must be at least 32 characters' }).max(200)),
});

export type Environment = z.infer<typeof environmentSchema>;

/** Human descriptions for the README configuration table (kept next to the schema on purpose). */
export const environmentDocs: Record<keyof Environment, string> = {
  NODE_ENV: '`development`, `production` or `test`.',
  HOST: 'Interface to listen on.',
  PORT: 'HTTP and socket.io port.',
  PUBLIC_URL: 'Address residents use (invite links, calendar feeds). Default `http://localhost:$PORT`.',
  DATABASE_URL: 'Real PostgreSQL (`postgres://…`). Unset: embedded PostgreSQL (PGlite) under `DATA_DIR`.',
  DATABASE_SCHEMA:
    'PostgreSQL schema to use (default `public`); lets several deployments or test runs share one database.',
  REDIS_URL:
    'Redis (`redis://…`) for socket.io fan-out between nodes, presence and rate-limit counters. Unset: in-process.',
  REDIS_PREFIX: 'Prefix of every Redis key and stream, so deployments can share one Redis.',
  DATA_DIR: 'Where embedded PostgreSQL keeps its files.',
  LOG_LEVEL: 'pino log level.',
  NODE_ID: 'Name of this node in logs and health output. Default: the host name.',
  TRUST_PROXY:
    'Which `X-Forwarded-For` entries name the client (per-client rate limits behind a load balancer). `false`: none, the peer is the client. A hop count such as `1`: that many proxies in front, the right-most entry they appended counts; only when nodes are reachable through them alone. Or a comma-separated list of the proxies’ IP addresses/CIDRs (safest). `true` is refused: it believes addresses a client forges.',
  ACCESS_TOKEN_TTL_SECONDS: 'Lifetime of an access token after device login.',
  INVITE_TTL_DAYS: 'Default lifetime of an invite code.',
  MAX_FILE_BYTES: 'Largest attachment (ciphertext bytes).',
  ORG_STORAGE_QUOTA_BYTES: 'Attachment storage per organisation.',
  MAX_ENVELOPE_BYTES: 'Largest encrypted message envelope.',
  SHUTDOWN_TIMEOUT_MS: 'Time allowed for a graceful shutdown before the process exits anyway.',
  RATE_LIMIT_AUTH_PER_MINUTE:
    'Registrations, login challenges and logins allowed per client IP per minute (each). Raise it where many residents share one IP, e.g. a library.',
  RATE_LIMIT_DEVICE_PER_MINUTE:
    'Authenticated REST calls per device per minute, on average; beyond that `ERR_RATE_LIMITED` (429) with `Retry-After`.',
  RATE_LIMIT_DEVICE_BURST:
    'How many authenticated REST calls a device may make at once before the per-minute rate applies.',
  RATE_LIMIT_SOCKET_SENDS_PER_SECOND:
    'Messages (and deletions) a device may send per second over its socket, three seconds’ worth at once; a person’s devices together twice that. Beyond: an `ERR_RATE_LIMITED` ack with `retryAfter`.',
  RATE_LIMIT_SOCKET_EVENTS_PER_SECOND:
    'Other socket events (receipts, sync, presence, queue watches, token refresh) per device per second, three seconds’ worth at once. Typing hints: 2 a second, fixed.',
  RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE:
    'New socket connections per device per minute (shared by all nodes with Redis); beyond that the handshake is refused with `ERR_RATE_LIMITED`.',
  MAX_SOCKETS_PER_DEVICE:
    'Open sockets one device may hold on one node (a phone and a few tabs); the next handshake is refused with `ERR_RATE_LIMITED`.',
  REQUEST_TIMEOUT_MS:
    'Time a client has to send a whole request (headers and body); a stalled one is answered 408 and its connection closed.',
  HEADERS_TIMEOUT_MS:
    'Time a client has to send a request’s headers; never more than `REQUEST_TIMEOUT_MS` (a larger value counts as that).',
  IDLE_TIMEOUT_MS:
    'An HTTP connection on which nothing moves for this long is closed (WebSockets are not affected). Keep it above 20 s: socket.io long-polling waits that long.',
  OPERATOR_TOKEN:
    'Secret for deployment-wide actions (creating organisations). Unset: generated once into `DATA_DIR/operator-token`.',
  METRICS_TOKEN:
    'Bearer token for `GET /metrics` (Prometheus text format). Unset: `/metrics` is off (404). See docs/operations.md.',
};
