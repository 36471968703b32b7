import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { FILE_CHUNK_BYTES_MAX } from '@spreekuur/protocol/chat';
import type { ChannelService } from './channels/channel-service.ts';
import type { FileService } from './files/file-service.ts';
import type { MessageService } from './messages/message-service.ts';
import { registerSocketHandlers } from './realtime/socket-handlers.ts';
import { channelRoutes } from './routes/channel-routes.ts';
import { fileRoutes } from './routes/file-routes.ts';
import { keyRoutes } from './routes/key-routes.ts';
import { loadFrankingKey } from './moderation/franking.ts';
import { moderationRoutes } from './moderation/routes/moderation-routes.ts';
import { messageRoutes } from './routes/message-routes.ts';
import { createChatServices } from './services.ts';

/** What other services (scheduling) use of chat: `app.chat`. */
export interface ChatApi {
  channels: ChannelService;
  messages: MessageService;
  files: FileService;
  /** Identity tells chat when a person left a team: presence watches that no longer hold end. */
  teamLeft(orgId: string, teamId: string, personId: string): Promise<void>;
  /** Runs the retention sweeps now (they also run on a timer). */
  sweep(): Promise<{ messages: number; files: number }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    chat: ChatApi;
  }
}

const SWEEP_INTERVAL_MS = 30_000;

/**
 * The chat service: key directory, channels, the encrypted message log with delivery and
 * catch-up, receipts, typing, presence and encrypted files. It only ever handles ciphertext.
 * This is its composition root; `src/README.md` maps the folders.
 */
export const chatService = fp(
  async (app: FastifyInstance) => {
    const services = createChatServices({
      db: app.db,
      realtime: app.realtime,
      redis: app.redis,
      clock: () => app.clock(),
      config: app.config,
      frankingKey: await loadFrankingKey(app.config),
    });
    const { channels, messages, files, presence } = services;

    // ---- Retention: disappearing messages, expired files ------------------------------------
    const sweep = async () => ({
      messages: await messages.sweepExpired(),
      files: await files.sweepExpired(),
    });
    const sweeper = setInterval(() => {
      sweep().catch((error: unknown) => app.log.warn({ err: error }, 'retention sweep failed'));
    }, SWEEP_INTERVAL_MS);
    sweeper.unref();
    app.addHook('onClose', async () => {
      clearInterval(sweeper);
      presence.close();
    });
    const teamLeft = (orgId: string, teamId: string, personId: string) =>
      presence.teamLeft(orgId, teamId, personId);
    app.decorate('chat', { channels, messages, files, teamLeft, sweep } satisfies ChatApi);

    // ---- socket.io --------------------------------------------------------------------------
    registerSocketHandlers(app.realtime, services);

    // ---- REST -------------------------------------------------------------------------------
    app.register(async (scope) => {
      // File chunks are raw ciphertext (routes/file-routes.ts); every chat route shares the parser.
      scope.addContentTypeParser(
        'application/octet-stream',
        { parseAs: 'buffer', bodyLimit: FILE_CHUNK_BYTES_MAX },
        (_request, body, done) => done(null, body),
      );
      await keyRoutes(scope, services);
      await channelRoutes(scope, services);
      await messageRoutes(scope, services);
      await fileRoutes(scope, services);
      await moderationRoutes(scope, services);
    });
  },
  { name: 'spreekuur-chat', dependencies: ['spreekuur-realtime', 'spreekuur-authentication'] },
);
