import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

const checkResult = z.enum(['ok', 'failing', 'not_configured']);
const readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  node: z.string(),
  checks: z.object({ database: checkResult, redis: checkResult }),
});

const withTimeout = <T>(work: Promise<T>, ms: number) =>
  Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);

/** Liveness (the process answers) and readiness (its backends answer) for load balancers. */
export async function healthRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.get('/healthz', {
    logLevel: 'warn',
    schema: { tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    logLevel: 'warn',
    schema: { tags: ['health'], response: { 200: readiness, 503: readiness } },
    handler: async (_request, reply) => {
      const [database, redis] = await Promise.all([
        withTimeout(app.db.ping(), 2_000).then(
          () => 'ok' as const,
          () => 'failing' as const,
        ),
        app.redis
          ? withTimeout(app.redis.ping(), 2_000).then(
              () => 'ok' as const,
              () => 'failing' as const,
            )
          : Promise.resolve('not_configured' as const),
      ]);
      const ready = database === 'ok' && redis !== 'failing';
      return reply.code(ready ? 200 : 503).send({
        status: ready ? 'ready' : 'not_ready',
        node: app.config.NODE_ID,
        checks: { database, redis },
      });
    },
  });
}
