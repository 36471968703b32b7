import { createServer, type ServerDeps } from '@spreekuur/server';
import { chatService } from './plugin.ts';

/**
 * The chat service on its own: the shared platform plus chat. Identity (invites, login) is
 * the gateway's; run against the same database, this node serves the chat API and socket.io
 * for the gateway's access tokens (e.g. behind a load balancer routing /v1/channels here).
 */
export async function buildApp(deps: ServerDeps & { logStream?: NodeJS.WritableStream }) {
  const app = await createServer(deps, {
    title: 'Spreekuur chat',
    ...(deps.logStream ? { logStream: deps.logStream } : {}),
  });
  await app.register(chatService);
  return app;
}
