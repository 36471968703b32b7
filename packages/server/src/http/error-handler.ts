import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import {
  AppError,
  errorCatalog,
  type ErrorBody,
  type ErrorCode,
  type ErrorDetails,
  type FieldIssue,
} from '@spreekuur/protocol/errors';
import { isBackendUnavailable } from '../backend-unavailable.ts';
import { preferredLocale } from './locale.ts';

export function errorBody(code: ErrorCode, locale: 'nl' | 'en', details: ErrorDetails = {}): ErrorBody {
  return { error: { code, message: errorCatalog[code][locale], ...details } };
}

/** Fastify's own errors that are the client's fault, by code. */
const clientErrors: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'ERR_PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'ERR_BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'ERR_BAD_REQUEST',
  FST_ERR_VALIDATION: 'ERR_BAD_REQUEST',
};

function send(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ErrorCode,
  details?: Parameters<typeof errorBody>[2],
) {
  return reply
    .code(errorCatalog[code].status)
    .send(errorBody(code, preferredLocale(request.headers['accept-language']), details));
}

/**
 * Maps every error to the one error body. Expected failures keep their stable code;
 * anything else is logged with its stack and becomes ERR_INTERNAL, so no stack trace or
 * internal message ever reaches a client.
 */
export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      if (error instanceof AppError) {
        if (error.code === 'ERR_INTERNAL') request.log.error({ err: error }, 'internal error');
        if (error.details.retryAfter) void reply.header('retry-after', String(error.details.retryAfter));
        return send(reply, request, error.code, error.details);
      }
      if (hasZodFastifySchemaValidationErrors(error)) {
        const issues: FieldIssue[] = error.validation.map((issue) => ({
          path: [error.validationContext ?? 'body', ...issue.instancePath.split('/').filter(Boolean)],
          message: issue.message ?? 'is not valid',
        }));
        return send(reply, request, 'ERR_BAD_REQUEST', { issues });
      }
      if (isResponseSerializationError(error)) {
        request.log.error({ err: error, issues: error.cause.issues }, 'response does not match its schema');
        return send(reply, request, 'ERR_INTERNAL');
      }
      if (error.statusCode === 429) {
        const retryAfter = Number(reply.getHeader('retry-after')) || undefined;
        return send(reply, request, 'ERR_RATE_LIMITED', retryAfter ? { retryAfter } : {});
      }
      const mapped = error.code ? clientErrors[error.code] : undefined;
      if (mapped) return send(reply, request, mapped);
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        request.log.info({ err: error }, 'client error');
        return send(reply, request, 'ERR_BAD_REQUEST');
      }
      if (isBackendUnavailable(error)) {
        request.log.warn({ err: error }, 'backend unavailable');
        return send(reply, request, 'ERR_UNAVAILABLE');
      }
      request.log.error({ err: error }, 'unhandled error');
      return send(reply, request, 'ERR_INTERNAL');
    });

    // The router finds no route when a path segment is longer than it takes (maxParamLength),
    // and a wildcard route (the web app) hands such a path here too: that URL is a bad
    // request, as the router's other refusals are, not a missing resource.
    const maxParamLength = app.initialConfig.maxParamLength ?? 100;
    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      const tooLong = path.split('/').some((segment) => segment.length > maxParamLength);
      return send(reply, request, tooLong ? 'ERR_BAD_REQUEST' : 'ERR_NOT_FOUND');
    });
  },
  { name: 'spreekuur-errors' },
);
