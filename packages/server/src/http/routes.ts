import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import type { RateLimitOptions } from '@fastify/rate-limit';
import { z } from 'zod';
import type { Access, EndpointDefinition, EndpointParsed, EndpointReply } from '@spreekuur/protocol/endpoint';
import { errorBodySchema } from '@spreekuur/protocol/errors';
import { principalOf } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';

/** Every route answers failures with the one error body (docs/errors.md). */
const errorResponses = { '4xx': errorBodySchema, '5xx': errorBodySchema } as const;

/**
 * An answer that is not JSON (bytes, text), for the OpenAPI document; it is sent as it is.
 * Text (`text/calendar`) is a plain string, anything else binary.
 */
const otherContent = (contentType: string, description = 'Default Response') => ({
  description,
  content: {
    [contentType]: {
      schema: contentType.startsWith('text/') ? z.string() : z.string().meta({ format: 'binary' }),
    },
  },
});

/** OpenAPI security requirement per access kind. */
const securityOf: Record<Access, Array<Record<string, string[]>> | undefined> = {
  device: [{ bearer: [] }],
  operator: [{ operator: [] }],
  public: undefined,
};

export type RouteContext<E extends EndpointDefinition> = EndpointParsed<E> & {
  /** The signed-in caller; only `device` endpoints have one. */
  principal: E['access'] extends 'device' ? Principal : null;
  request: FastifyRequest;
  reply: FastifyReply;
};

/**
 * Answers the endpoint's JSON (sent with its declared status), or, for endpoints without a
 * JSON answer (bytes, calendars), the reply after sending it.
 */
export type RouteHandler<E extends EndpointDefinition> = (
  context: RouteContext<E>,
) => Promise<E['response'] extends z.ZodType ? EndpointReply<E> : EndpointReply<E> | FastifyReply>;

export interface RouteOptions {
  /** A per-route limit (@fastify/rate-limit); by default routes are not limited individually. */
  rateLimit?: RateLimitOptions;
  /** Largest body, when it differs from the server's default. */
  bodyLimit?: number;
}

export interface RouteGroupOptions {
  /**
   * Checks for access kinds a service brings itself (the gateway's operator token). They run
   * as preHandler, after per-route rate limits, so wrong guesses are counted.
   */
  guards?: Partial<Record<Exclude<Access, 'device' | 'public'>, preHandlerAsyncHookHandler>>;
}

export interface RouteGroup {
  /** Registers the route of an endpoint declared in `@spreekuur/protocol`. */
  add<E extends EndpointDefinition>(endpoint: E, handler: RouteHandler<E>, options?: RouteOptions): void;
}

/**
 * Declares a service's routes from their protocol endpoints: validation, OpenAPI tags and
 * security, the error responses, authentication (device tokens on onRequest, so strangers are
 * turned away before their body is read) and the success status live here, once.
 */
export function routeGroup(app: FastifyInstance, options: RouteGroupOptions = {}): RouteGroup {
  return {
    add(endpoint, handler, routeOptions = {}) {
      const status = endpoint.status ?? 200;
      const success =
        status === 204
          ? { 204: z.null() }
          : endpoint.response
            ? { [status]: endpoint.response }
            : endpoint.responseContentType
              ? { [status]: otherContent(endpoint.responseContentType, endpoint.responseDescription) }
              : {};
      const guard = endpoint.access === 'operator' ? options.guards?.operator : undefined;
      if (endpoint.access === 'operator' && !guard)
        throw new Error(`no operator guard for ${endpoint.method} ${endpoint.path}`);
      const security = securityOf[endpoint.access];
      app.route({
        method: endpoint.method,
        url: endpoint.path,
        ...(routeOptions.rateLimit ? { config: { rateLimit: routeOptions.rateLimit } } : {}),
        ...(routeOptions.bodyLimit ? { bodyLimit: routeOptions.bodyLimit } : {}),
        ...(endpoint.access === 'device' ? { onRequest: app.authenticate } : {}),
        ...(guard ? { preHandler: guard } : {}),
        schema: {
          tags: [...endpoint.tags],
          ...(endpoint.summary ? { summary: endpoint.summary } : {}),
          ...(security ? { security } : {}),
          ...(endpoint.params ? { params: endpoint.params } : {}),
          ...(endpoint.query ? { querystring: endpoint.query } : {}),
          ...(endpoint.body ? { body: endpoint.body } : {}),
          ...(endpoint.contentType ? { consumes: [endpoint.contentType] } : {}),
          response: { ...success, ...errorResponses },
        },
        handler: async (request, reply) => {
          const context = {
            params: request.params,
            query: request.query,
            body: request.body,
            principal: endpoint.access === 'device' ? principalOf(request) : null,
            request,
            reply,
          } as RouteContext<typeof endpoint>;
          const result: unknown = await handler(context);
          // A reply is thenable: an async handler returning it resolves to undefined, once sent.
          if (result === reply || reply.sent) return reply;
          return reply.code(status).send(status === 204 ? null : result);
        },
      });
    },
  };
}
