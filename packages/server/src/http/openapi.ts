import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI generated from the routes' zod schemas: the document cannot drift from the code. */
export const openApiPlugin = fp(
  async (app: FastifyInstance, options: { title: string; version: string }) => {
    await app.register(swagger, {
      openapi: {
        info: {
          title: options.title,
          version: options.version,
          description:
            'Spreekuur REST API. Message and document contents are end-to-end encrypted by clients; this API only ever sees ciphertext. Real-time events travel over socket.io (see docs/realtime.md).',
        },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer' },
            operator: { type: 'apiKey', in: 'header', name: 'x-operator-token' },
          },
        },
      },
      transform: jsonSchemaTransform,
    });
  },
  { name: 'spreekuur-openapi' },
);
