import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as wire from '@spreekuur/protocol/chat';
import { errorBodySchema } from '@spreekuur/protocol/errors';
import { createRateLimiter, perDeviceRateLimit, principalOf, rooms } from '@spreekuur/server';
import { ChannelService } from './channels/channel-service.ts';
import { getChannel, listChannels } from './channels/channel-store.ts';
import { PostgresBlobStore } from './files/blob-store.ts';
import { FileService } from './files/file-service.ts';
import { KeyDirectory, ONE_TIME_PREKEY_CLAIMS } from './keys/key-directory.ts';
import { Delivery } from './messages/delivery.ts';
import { MessageService } from './messages/message-service.ts';
import { MemoryPresenceStore, RedisPresenceStore } from './presence/presence-store.ts';
import { PresenceService } from './presence/presence-service.ts';
import { ReceiptService } from './receipts/receipt-service.ts';

export interface ChatApi {
  channels: ChannelService;
  messages: MessageService;
  files: FileService;
  /** Runs the retention sweeps now (they also run on a timer). */
  sweep(): Promise<{ messages: number; files: number }>;
}

declare module 'fastify' {
  interface FastifyInstance {
    chat: ChatApi;
  }
}

const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema };
const security = [{ bearer: [] }];
const SWEEP_INTERVAL_MS = 30_000;
const BUNDLE_FETCHES_PER_MINUTE = 60;

/**
 * The chat service: key directory, channels, the encrypted message log with delivery and
 * catch-up, receipts, typing, presence and encrypted files. It only ever handles ciphertext.
 */
export const chatService = fp(
  async (fastify: FastifyInstance) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();
    const { db, realtime, config } = app;
    const clock = () => app.clock();
    const delivery = new Delivery(db, realtime);
    const blobs = new PostgresBlobStore(db);
    const channels = new ChannelService(db, delivery, clock);
    const messages = new MessageService(db, delivery, blobs, clock, {
      maxEnvelopeBytes: config.MAX_ENVELOPE_BYTES,
    });
    const files = new FileService(db, blobs, clock, {
      maxFileBytes: config.MAX_FILE_BYTES,
      orgQuotaBytes: config.ORG_STORAGE_QUOTA_BYTES,
    });
    const receipts = new ReceiptService(db, delivery);
    const keys = new KeyDirectory(
      db,
      (deviceId, remaining) => realtime.io.to(rooms.device(deviceId)).emit('keys:low', { remaining }),
      createRateLimiter({
        name: 'prekey-claims',
        policy: ONE_TIME_PREKEY_CLAIMS,
        redis: app.redis,
        redisPrefix: config.REDIS_PREFIX,
        now: () => app.clock().getTime(),
      }),
    );
    const presence = new PresenceService(
      db,
      app.redis ? new RedisPresenceStore(app.redis, config.REDIS_PREFIX) : new MemoryPresenceStore(),
      realtime,
    );

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
    app.decorate('chat', { channels, messages, files, sweep });

    // ---- socket.io ---------------------------------------------------------------------
    realtime.onConnection((socket) => presence.connected(socket));
    realtime.onConnection((socket) =>
      keys.remindIfLow(socket.data.principal.deviceId, (remaining) => socket.emit('keys:low', { remaining })),
    );
    realtime.onDisconnect((socket) => presence.disconnected(socket));
    realtime.handle('chat:send', wire.chatClientEvents['chat:send'], (envelope, { principal }) =>
      messages.send(principal, envelope),
    );
    realtime.handle(
      'chat:delete',
      wire.chatClientEvents['chat:delete'],
      ({ channelId, seq }, { principal }) => messages.deleteForEveryone(principal, channelId, seq),
    );
    realtime.handle('chat:receipts', wire.chatClientEvents['chat:receipts'], async (body, { principal }) => ({
      receipts: await receipts.record(principal, body.receipts),
    }));
    realtime.handle('chat:sync', wire.chatClientEvents['chat:sync'], (_body, { principal }) =>
      receipts.sync(principal),
    );
    realtime.handle(
      'chat:typing',
      wire.chatClientEvents['chat:typing'],
      async ({ channelId, typing }, { principal }) => {
        await getChannel(db, principal, channelId);
        await delivery.emitToMembers(
          channelId,
          'chat:typing',
          { channelId, personId: principal.personId, typing },
          principal.personId,
        );
        return {};
      },
    );
    realtime.handle('presence:set', wire.chatClientEvents['presence:set'], (body, { socket }) =>
      presence.set(socket, body),
    );
    realtime.handle(
      'presence:watch',
      wire.chatClientEvents['presence:watch'],
      ({ personIds }, { socket, principal }) => presence.watch(socket, principal, personIds),
    );

    // ---- REST ----------------------------------------------------------------------------
    app.register(async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      // onRequest: strangers are turned away before their body is read or validated.
      api.addHook('onRequest', api.authenticate);

      api.put('/v1/keys/signed-prekeys', {
        schema: {
          tags: ['keys'],
          security,
          body: wire.uploadSignedPrekeysBody,
          response: { 204: z.null(), ...errors },
        },
        handler: async (request, reply) => {
          await keys.publishSignedPrekeys(principalOf(request), request.body);
          return reply.code(204).send(null);
        },
      });
      api.post('/v1/keys/one-time-prekeys', {
        schema: {
          tags: ['keys'],
          security,
          body: wire.uploadOneTimePrekeysBody,
          response: { 200: z.object({ oneTimePrekeys: z.number().int() }), ...errors },
        },
        handler: async (request) => ({
          oneTimePrekeys: await keys.addOneTimePrekeys(principalOf(request), request.body.prekeys),
        }),
      });
      api.get('/v1/keys/status', {
        schema: { tags: ['keys'], security, response: { 200: wire.keyStatus, ...errors } },
        handler: async (request) => keys.status(principalOf(request)),
      });
      api.post('/v1/keys/bundles', {
        // Each call uses up one-time prekeys of other people's devices; a client needs a few
        // calls per conversation it starts (up to 200 devices each), never a stream of them.
        config: { rateLimit: perDeviceRateLimit(BUNDLE_FETCHES_PER_MINUTE, '1 minute') },
        schema: {
          tags: ['keys'],
          summary: 'Prekey bundles of devices you may talk to; each hands out one one-time prekey',
          security,
          body: wire.fetchBundlesBody,
          response: { 200: z.object({ bundles: z.array(wire.prekeyBundle) }), ...errors },
        },
        handler: async (request) => ({
          bundles: await keys.fetchBundles(principalOf(request), request.body.deviceIds),
        }),
      });

      api.get('/v1/channels', {
        schema: {
          tags: ['chat'],
          security,
          response: { 200: z.object({ channels: z.array(wire.channel) }), ...errors },
        },
        handler: async (request) => ({ channels: await listChannels(db, principalOf(request)) }),
      });
      api.post('/v1/channels/direct', {
        schema: {
          tags: ['chat'],
          summary: 'Open (or find) the direct conversation with a person',
          security,
          body: wire.openDirectBody,
          response: { 200: wire.channel, ...errors },
        },
        handler: async (request) => channels.openDirect(principalOf(request), request.body.personId),
      });
      api.post('/v1/channels/groups', {
        schema: {
          tags: ['chat'],
          security,
          body: wire.createGroupBody,
          response: { 201: wire.channel, ...errors },
        },
        handler: async (request, reply) =>
          reply
            .code(201)
            .send(
              await channels.createGroup(principalOf(request), request.body.name, request.body.memberIds),
            ),
      });
      api.get('/v1/channels/:id', {
        schema: {
          tags: ['chat'],
          security,
          params: wire.channelParams,
          response: { 200: wire.channel, ...errors },
        },
        handler: async (request) => getChannel(db, principalOf(request), request.params.id),
      });
      api.get('/v1/channels/:id/devices', {
        schema: {
          tags: ['chat'],
          summary: 'The devices a message in this channel must be encrypted for',
          security,
          params: wire.channelParams,
          response: { 200: z.object({ devices: z.array(wire.channelDevice) }), ...errors },
        },
        handler: async (request) => ({
          devices: await channels.devices(principalOf(request), request.params.id),
        }),
      });
      api.put('/v1/channels/:id/settings', {
        schema: {
          tags: ['chat'],
          security,
          params: wire.channelParams,
          body: wire.channelSettingsBody,
          response: { 200: wire.channel, ...errors },
        },
        handler: async (request) =>
          channels.changeSettings(principalOf(request), request.params.id, request.body.disappearingSeconds),
      });
      api.post('/v1/channels/:id/members', {
        schema: {
          tags: ['chat'],
          security,
          params: wire.channelParams,
          body: wire.addMemberBody,
          response: { 200: wire.channel, ...errors },
        },
        handler: async (request) =>
          channels.addMember(
            principalOf(request),
            request.params.id,
            request.body.personId,
            request.body.role,
          ),
      });
      api.delete('/v1/channels/:id/members/:personId', {
        schema: {
          tags: ['chat'],
          summary: 'Remove a member, or leave (your own id)',
          security,
          params: wire.channelMemberParams,
          response: { 204: z.null(), ...errors },
        },
        handler: async (request, reply) => {
          await channels.removeMember(principalOf(request), request.params.id, request.params.personId);
          return reply.code(204).send(null);
        },
      });
      api.get('/v1/channels/:id/events', {
        schema: {
          tags: ['chat'],
          summary: 'The channel log after a sequence number, as this device sees it',
          security,
          params: wire.channelParams,
          querystring: wire.historyQuery,
          response: { 200: wire.historyPage, ...errors },
        },
        handler: async (request) =>
          messages.history(principalOf(request), request.params.id, request.query.after, request.query.limit),
      });
      api.get('/v1/channels/:id/receipts', {
        schema: {
          tags: ['chat'],
          security,
          params: wire.channelParams,
          response: { 200: z.object({ receipts: z.array(wire.receiptEvent) }), ...errors },
        },
        handler: async (request) => ({
          receipts: await receipts.cursors(principalOf(request), request.params.id),
        }),
      });
      api.post('/v1/messages', {
        schema: {
          tags: ['chat'],
          summary: 'Send an encrypted envelope (the socket event chat:send does the same)',
          security,
          body: wire.sendMessageBody,
          response: { 200: wire.sendAck, ...errors },
        },
        handler: async (request) => messages.send(principalOf(request), request.body),
      });
      api.delete('/v1/channels/:id/messages/:seq', {
        schema: {
          tags: ['chat'],
          summary: 'Delete a message for everyone (its ciphertext is removed)',
          security,
          params: z.strictObject({ id: wire.channelParams.shape.id, seq: z.coerce.number().int().min(1) }),
          response: { 200: z.object({ seq: z.number().int() }), ...errors },
        },
        handler: async (request) =>
          messages.deleteForEveryone(principalOf(request), request.params.id, request.params.seq),
      });
      api.post('/v1/receipts', {
        schema: {
          tags: ['chat'],
          security,
          body: wire.receiptsBody,
          response: { 200: z.object({ receipts: z.array(wire.receiptEvent) }), ...errors },
        },
        handler: async (request) => ({
          receipts: await receipts.record(principalOf(request), request.body.receipts),
        }),
      });

      // Files: ciphertext only, in chunks; an interrupted upload resumes from GET /v1/files/:id.
      api.addContentTypeParser(
        'application/octet-stream',
        { parseAs: 'buffer', bodyLimit: wire.FILE_CHUNK_BYTES_MAX },
        (_request, body, done) => done(null, body),
      );
      api.post('/v1/files', {
        schema: {
          tags: ['files'],
          security,
          body: wire.createFileBody,
          response: { 201: wire.fileStatus, ...errors },
        },
        handler: async (request, reply) =>
          reply.code(201).send(await files.create(principalOf(request), request.body)),
      });
      api.get('/v1/files/:id', {
        schema: {
          tags: ['files'],
          summary: 'Upload progress: which chunks the server holds',
          security,
          params: wire.channelParams,
          response: { 200: wire.fileStatus, ...errors },
        },
        handler: async (request) => files.get(principalOf(request), request.params.id),
      });
      api.put('/v1/files/:id/chunks/:index', {
        schema: {
          tags: ['files'],
          summary: 'Upload one chunk of ciphertext (application/octet-stream); repeating a chunk replaces it',
          security,
          params: wire.fileChunkParams,
          body: z.instanceof(Buffer, { error: 'must be application/octet-stream' }),
          response: { 204: z.null(), ...errors },
        },
        handler: async (request, reply) => {
          await files.putChunk(principalOf(request), request.params.id, request.params.index, request.body);
          return reply.code(204).send(null);
        },
      });
      api.post('/v1/files/:id/complete', {
        schema: {
          tags: ['files'],
          security,
          params: wire.channelParams,
          response: { 200: wire.fileStatus, ...errors },
        },
        handler: async (request) => files.complete(principalOf(request), request.params.id),
      });
      api.get('/v1/files/:id/content', {
        schema: {
          tags: ['files'],
          summary: 'Download the ciphertext (members of the channel only)',
          security,
          params: wire.channelParams,
        },
        handler: async (request, reply) => {
          const file = await files.open(principalOf(request), request.params.id);
          return reply
            .header('content-type', 'application/octet-stream')
            .header('content-length', String(file.size))
            .header('cache-control', 'no-store')
            .send(Readable.from(file.chunks, { objectMode: false }));
        },
      });
    });
  },
  { name: 'spreekuur-chat', dependencies: ['spreekuur-realtime', 'spreekuur-authentication'] },
);
