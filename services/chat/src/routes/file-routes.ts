import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { fileEndpoints as endpoints } from '@spreekuur/protocol/chat';
import { routeGroup } from '@spreekuur/server';
import type { ChatServices } from '../services.ts';

/**
 * Files: ciphertext only, in chunks (`application/octet-stream`, parsed by the chat plugin);
 * an interrupted upload resumes from the status. Downloads stream chunk by chunk.
 */
export async function fileRoutes(app: FastifyInstance, { files }: ChatServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.create, ({ principal, body }) => files.create(principal, body));
  routes.add(endpoints.status, ({ principal, params }) => files.get(principal, params.id));
  routes.add(endpoints.putChunk, ({ principal, params, body }) =>
    files.putChunk(principal, params.id, params.index, body),
  );
  routes.add(endpoints.complete, ({ principal, params }) => files.complete(principal, params.id));
  routes.add(endpoints.content, async ({ principal, params, reply }) => {
    const file = await files.open(principal, params.id);
    return reply
      .header('content-type', 'application/octet-stream')
      .header('content-length', String(file.size))
      .header('cache-control', 'no-store')
      .send(Readable.from(file.chunks, { objectMode: false }));
  });
}
