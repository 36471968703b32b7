import type { LoggerOptions } from 'pino';

/**
 * Secrets never reach the logs: redaction happens here, at the logger, not at call sites
 * (STYLE.md §12). Paths cover request headers and any logged object carrying a token,
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
];

/** Query parameters that carry secrets (calendar feed tokens, invite codes in links). */
const secretQueryParameter = /([?&](?:token|code|access_token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(secretQueryParameter, '$1[Redacted]');
}

export function loggerOptions(level: string, nodeId: string): LoggerOptions {
  return {
    level,
    base: { node: nodeId },
    redact: { paths: redactPaths, censor: '[Redacted]' },
    serializers: {
      req(request: {
        method: string;
        url: string;
        id: string;
        ip?: string;
        socket?: { remoteAddress?: string };
      }) {
        return {
          method: request.method,
          url: redactUrl(request.url),
          reqId: request.id,
          remoteAddress: request.ip ?? request.socket?.remoteAddress,
        };
      },
    },
  };
}
