import { errorCatalog, type ErrorCode } from './errors.ts';

/** Renders docs/errors.md from the catalogue; `pnpm docs:generate` writes it, a test keeps it equal. */
export function renderErrorDocs(): string {
  const rows = (Object.keys(errorCatalog) as ErrorCode[]).map((code) => {
    const entry = errorCatalog[code];
    return `| \`${code}\` | ${entry.status} | ${entry.nl} | ${entry.en} |`;
  });
  return [
    '# Error codes',
    '',
    '<!-- Generated from packages/protocol/src/errors.ts by `pnpm docs:generate`; do not edit by hand. -->',
    '',
    'Every failure a client can see, over HTTP or as a socket.io ack, has this shape:',
    '',
    '```json',
    '{ "error": { "code": "ERR_BAD_REQUEST", "message": "…", "issues": [{ "path": ["body", "name"], "message": "…" }] } }',
    '```',
    '',
    '`message` is Dutch unless the request prefers English (`Accept-Language`, or `locale` in the',
    'socket.io handshake). `issues` lists the offending fields of a bad request; `retryAfter` (seconds)',
    'comes with `ERR_RATE_LIMITED`. Clients switch on `code`, which never changes meaning. Anything',
    'unexpected is `ERR_INTERNAL`: the details stay in the server log, under the request id that is',
    'also returned in the `x-request-id` header.',
    '',
    '| Code | HTTP | Nederlands | English |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
