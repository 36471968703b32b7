import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyInstance, FastifyServerOptions } from 'fastify';
import type { Config } from '@spreekuur/config';
import { errorCatalog, type ErrorCode } from '@spreekuur/protocol/errors';
import { errorBody } from './error-handler.ts';

/**
 * How long a client may take. Node enforces the request and header deadlines (a stalled or
 * trickling request is answered 408 and its connection closed) and the idle one (a
 * connection on which nothing moves for IDLE_TIMEOUT_MS is closed). None of them reach
 * socket.io's WebSockets: an upgraded connection leaves Node's HTTP bookkeeping, and the
 * WebSocket library switches the idle timer off; it has its own heartbeat.
 */
export function timeoutOptions(config: Config) {
  const requestTimeout = config.REQUEST_TIMEOUT_MS;
  // Node refuses a header deadline after the request's.
  const headersTimeout = Math.min(config.HEADERS_TIMEOUT_MS, requestTimeout);
  return {
    requestTimeout,
    connectionTimeout: config.IDLE_TIMEOUT_MS,
    http: {
      requestTimeout,
      headersTimeout,
      // How often Node looks for connections past their deadline (its default, 30 s, would
      // let a stalled request sit that much longer).
      connectionsCheckingInterval: Math.min(30_000, Math.max(50, Math.floor(headersTimeout / 4))),
    },
    // fastify calls it with itself as `this`.
    clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Socket) {
      answerClientError(error, socket, this.log);
    },
  } satisfies Partial<FastifyServerOptions> & { http: object };
}

/**
 * Errors Node reports before there is a request to answer: a deadline passed, or the bytes
 * were not HTTP. Answered in the one error body (Dutch: there are no request headers to
 * choose the language from) and the connection closed, the way Node does it: only when no
 * response has started on this connection, so a reply already on its way is not corrupted.
 */
function answerClientError(error: Error & { code?: string }, socket: Socket, log: FastifyBaseLogger) {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const code: ErrorCode =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'ERR_REQUEST_TIMEOUT' : 'ERR_BAD_REQUEST';
  log.info({ reason: error.code }, code === 'ERR_REQUEST_TIMEOUT' ? 'client too slow' : 'client error');
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const status = errorCatalog[code].status;
    const body = JSON.stringify(errorBody(code, 'nl'));
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
