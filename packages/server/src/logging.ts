import { stdSerializers, type LoggerOptions } from 'pino';

/**
 * Secrets never reach the logs: redaction happens here, at the logger, not at call sites
 * (house style §12, ../shared/STYLE.md). Paths cover request headers and any logged object carrying a token,
 * key, code or ciphertext, at the top level and one and two levels deep.
 */
const secretFields = [
  'token',
  'accessToken',
  'operatorToken',
  'inviteCode',
  'code',
  'nonce',
  'proof',
  'signature',
  'secretKey',
  'privateKey',
  'key',
  'ciphertext',
  'payload',
  'payloads',
];

/**
 * Database errors describe the statement that failed: embedded PostgreSQL (PGlite) attaches
 * the SQL (`query`) and its values (`params`), and PostgreSQL's `detail` can quote a whole
 * row ("Failing row contains (…)"). Those values are display names, nonces, token hashes or
 * ciphertext, so they are replaced wherever they sit in a logged error: on the error itself,
 * on nested errors (`cause`, `error`, aggregated errors) and on plain objects inside them.
 */
const databaseErrorFieldNames = ['query', 'params', 'detail'];
const databaseErrorFields = new Set(databaseErrorFieldNames);

export const redactPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-operator-token"]',
  'headers.authorization',
  'auth.token',
  'handshake.auth',
  ...secretFields,
  ...secretFields.map((field) => `*.${field}`),
  ...secretFields.map((field) => `*.*.${field}`),
  // Database errors logged other than through the err serialiser (e.g. nested in an object).
  ...databaseErrorFieldNames.flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]),
];

const MAX_ERROR_DEPTH = 8;

function scrubDatabaseFields(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value) || depth > MAX_ERROR_DEPTH) return '[Truncated]';
  seen.add(value);
  if (ArrayBuffer.isView(value)) return '[Redacted]';
  if (Array.isArray(value)) return value.map((item) => scrubDatabaseFields(item, depth + 1, seen));
  const source = value instanceof Error ? stdSerializers.err(value) : value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(source)) {
    copy[key] = databaseErrorFields.has(key) ? '[Redacted]' : scrubDatabaseFields(field, depth + 1, seen);
  }
  return copy;
}

/** pino's err serialiser, without the values a database error carries (see above). */
function serializeError(error: unknown): unknown {
  if (error === null || typeof error !== 'object') return error;
  return scrubDatabaseFields(error, 0, new WeakSet());
}

/** Query parameters that carry secrets (calendar feed tokens, invite codes in links). */
const secretQueryParameters = new Set(['token', 'code', 'access_token']);

/**
 * A query parameter's name as the server could read it: `+` is a space and `%XX` escapes are
 * decoded, so `?%74oken=` is seen as the `token` it is. Lenient where the URL is malformed
 * (a broken escape stays as written, nothing throws) and decoded again while that changes
 * it, so double encoding hides nothing either: redacting too much is harmless, too little not.
 */
function parameterName(raw: string): string {
  let name = raw.replace(/\+/g, ' ');
  for (let round = 0; round < 4; round++) {
    const decoded = name.replace(/%([0-9a-f]{2})/gi, (_escape, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (decoded === name) break;
    name = decoded;
  }
  return name.trim().toLowerCase();
}

/** The URL with the values of secret query parameters replaced; the rest kept as sent. */
export function redactUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const hash = url.indexOf('#', start);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(start + 1, end)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0 || !secretQueryParameters.has(parameterName(pair.slice(0, equals)))) return pair;
      return `${pair.slice(0, equals)}=[Redacted]`;
    })
    .join('&');
  return `${url.slice(0, start + 1)}${query}${url.slice(end)}`;
}

export function loggerOptions(level: string, nodeId: string): LoggerOptions {
  return {
    level,
    base: { node: nodeId },
    redact: { paths: redactPaths, censor: '[Redacted]' },
    serializers: {
      err: serializeError,
      error: serializeError,
      // No client IP address: the logs are kept by whoever runs the deployment, and an address
      // is personal data (docs/privacy.md). Rate limits use it for a minute, in memory or Redis.
      req(request: { method: string; url: string; id: string }) {
        return { method: request.method, url: redactUrl(request.url), reqId: request.id };
      },
    },
  };
}
