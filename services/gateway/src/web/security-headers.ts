import type { FastifyInstance } from 'fastify';

/**
 * The Content-Security-Policy of the web app and the API. No inline script, no eval:
 * `'wasm-unsafe-eval'` only lets libsodium compile its WebAssembly (it has no JavaScript
 * fallback). `connect-src 'self'` covers the API and socket.io's same-origin WebSocket;
 * `blob:` images and downloads are decrypted attachments, made in the page.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "media-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Two years, as the HSTS preload list asks. */
const HSTS = 'max-age=63072000; includeSubDomains';

/**
 * Strict headers on every answer, app and API alike. The OpenAPI viewer under /docs keeps the
 * other headers but not the policy: swagger-ui needs inline styles, and it shows no personal data.
 */
export function securityHeaders(app: FastifyInstance, options: { publicUrl: string }): void {
  const https = new URL(options.publicUrl).protocol === 'https:';
  const policy = https ? `${CONTENT_SECURITY_POLICY}; upgrade-insecure-requests` : CONTENT_SECURITY_POLICY;
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/docs')) void reply.header('content-security-policy', policy);
    void reply.header('x-content-type-options', 'nosniff');
    void reply.header('referrer-policy', 'no-referrer');
    void reply.header('x-frame-options', 'DENY');
    void reply.header('cross-origin-opener-policy', 'same-origin');
    void reply.header('cross-origin-resource-policy', 'same-origin');
    void reply.header('permissions-policy', 'camera=(self), microphone=(), geolocation=(), payment=()');
    if (https) void reply.header('strict-transport-security', HSTS);
  });
}
