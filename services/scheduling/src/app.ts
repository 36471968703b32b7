import { chatService } from '@spreekuur/chat';
import { createServer, type ServerDeps } from '@spreekuur/server';
import { schedulingService, type SchedulingPluginOptions } from './plugin.ts';

/**
 * The scheduling service on its own: the shared platform, the chat service (office-hour
 * conversations are chat channels) and scheduling. Identity (invites, login) is the gateway's;
 * run against the same database, this node serves the chat and scheduling API for its tokens.
 */
export async function buildApp(
  deps: ServerDeps & { logStream?: NodeJS.WritableStream },
  options: SchedulingPluginOptions = {},
) {
  const app = await createServer(deps, {
    title: 'Spreekuur scheduling',
    ...(deps.logStream ? { logStream: deps.logStream } : {}),
  });
  await app.register(chatService);
  await app.register(schedulingService, options);
  return app;
}
