import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { fastifyTrustProxy } from '@spreekuur/config';
import { AppError } from '@spreekuur/protocol/errors';
import { authenticationPlugin } from './auth/authenticate.ts';
import { errorBody, errorHandlerPlugin } from './http/error-handler.ts';
import { preferredLocale } from './http/locale.ts';
import { healthRoutes } from './http/health.ts';
import { openApiPlugin } from './http/openapi.ts';
import { rateLimitPlugin } from './http/rate-limit.ts';
import { timeoutOptions } from './http/timeouts.ts';
import { infrastructurePlugin, type ServerDeps } from './infrastructure.ts';
import { loggerOptions } from './logging.ts';
import { metricsPlugin } from './metrics/metrics.ts';
import { nulCharacterIssue } from './nul-characters.ts';
import { realtimePlugin } from './realtime/realtime.ts';

export type App = FastifyInstance;

export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    routeCatalog: readonly RouteEntry[];
  }
}

export interface CreateServerOptions {
  /** Shown in the OpenAPI document. */
  title: string;
  /** A pino destination for tests that inspect logs. */
  logStream?: NodeJS.WritableStream;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * A fastify instance with everything services share: zod validation and serialisation,
 * the error mapping, structured logs with request ids, authentication, rate limits,
 * socket.io and OpenAPI. Services register their routes on top of it.
 */
export async function createServer(deps: ServerDeps, options: CreateServerOptions) {
  const { config } = deps;
  const logger = loggerOptions(config.LOG_LEVEL, config.NODE_ID);
  const app = Fastify({
    logger: options.logStream ? { ...logger, stream: options.logStream } : logger,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    requestIdHeader: false,
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    bodyLimit: 1024 * 1024,
    ...timeoutOptions(config),
    // Idle keep-alive connections must not hold up a graceful shutdown.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    // A URL the router cannot take (bad percent-encoding, a parameter over 100 characters)
    // never reaches the error handler: answer it with the catalogue's body too, without
    // echoing the URL back.
    frameworkErrors: (_error, request, reply) => {
      void (reply as unknown as FastifyReply)
        .code(400)
        .send(errorBody('ERR_BAD_REQUEST', preferredLocale(request.headers['accept-language'])));
    },
  }).withTypeProvider<ZodTypeProvider>();

  // Every route, for tests that must cover them all (organisation isolation) and for docs.
  const routeCatalog: RouteEntry[] = [];
  app.decorate('routeCatalog', routeCatalog);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeCatalog.push({ method, url: route.url });
    }
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  // Node closes only the keep-alive connections that are idle when the server starts closing;
  // one whose request was still running would stay open after its response until the
  // keep-alive timeout (72 s), holding up a graceful shutdown. Once closing, every response
  // says `Connection: close`, so such connections end with their last response.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // Also when the answer came before the body was read (401, 413, …): Node would otherwise
    // read the rest of a possibly huge or never-ending body before the connection's next request.
    if (closing || request.raw.complete === false) void reply.header('connection', 'close');
  });

  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [
      ['params', request.params],
      ['query', request.query],
      ['body', request.body],
    ] as const) {
      const issue = nulCharacterIssue(value, part);
      if (issue) throw new AppError('ERR_BAD_REQUEST', undefined, { issues: [issue] });
    }
  });

  await app.register(infrastructurePlugin, deps);
  await app.register(errorHandlerPlugin);
  await app.register(openApiPlugin, { title: options.title, version: '1' });
  await app.register(authenticationPlugin);
  await app.register(rateLimitPlugin);
  await app.register(realtimePlugin);
  // Before any route: every route registered from here on is counted.
  await app.register(metricsPlugin);
  // Every node, whatever it serves, answers load-balancer health checks.
  await app.register(healthRoutes);
  return app;
}
