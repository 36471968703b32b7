import type { Redis } from 'ioredis';
import type { Config } from '@spreekuur/config';
import type { Database } from '@spreekuur/db';
import { createRateLimiter, rooms, type Realtime } from '@spreekuur/server';
import { ChannelService, type MembershipEnded } from './channels/channel-service.ts';
import { PostgresBlobStore } from './store/blob-store.ts';
import { FileService } from './files/file-service.ts';
import { KeyDirectory, ONE_TIME_PREKEY_CLAIMS } from './keys/key-directory.ts';
import { Delivery } from './delivery/delivery.ts';
import { MessageService } from './messages/message-service.ts';
import { MemoryPresenceStore, RedisPresenceStore } from './store/presence-store.ts';
import { PresenceService } from './presence/presence-service.ts';
import { TypingService } from './presence/typing-service.ts';
import { ReceiptService } from './receipts/receipt-service.ts';
import { FrankingTagger } from './moderation/franking.ts';
import { JoinService } from './moderation/join-service.ts';
import { ModerationService } from './moderation/moderation-service.ts';
import { REPORTS_PER_PERSON, ReportService } from './moderation/report-service.ts';
import { SendGuard } from './moderation/send-guard.ts';

export interface ChatDeps {
  readonly db: Database;
  readonly realtime: Realtime;
  /** Presence is shared between nodes through Redis when there is one, in-process otherwise. */
  readonly redis: Redis | null;
  readonly clock: () => Date;
  /** Moderation: the key of the server tag on franking commitments (moderation/franking.ts). */
  readonly frankingKey: Uint8Array;
  readonly config: Pick<
    Config,
    'MAX_ENVELOPE_BYTES' | 'MAX_FILE_BYTES' | 'ORG_STORAGE_QUOTA_BYTES' | 'REDIS_PREFIX'
  >;
}

export interface ChatServices {
  readonly keys: KeyDirectory;
  readonly channels: ChannelService;
  readonly messages: MessageService;
  readonly receipts: ReceiptService;
  readonly typing: TypingService;
  readonly presence: PresenceService;
  readonly files: FileService;
  readonly moderation: ModerationService;
  readonly joins: JoinService;
  readonly reports: ReportService;
}

/** Wires the chat services together (no I/O happens here). */
export function createChatServices(deps: ChatDeps): ChatServices {
  const { db, realtime, clock, config } = deps;
  const delivery = new Delivery(db, realtime);
  const blobs = new PostgresBlobStore(db);
  const tagger = new FrankingTagger(deps.frankingKey);
  const presence = new PresenceService(
    db,
    deps.redis ? new RedisPresenceStore(deps.redis, config.REDIS_PREFIX) : new MemoryPresenceStore(),
    realtime,
  );
  const membershipEnded: MembershipEnded = (orgId, channelId, personId) =>
    presence.channelLeft(orgId, channelId, personId);
  return {
    keys: new KeyDirectory(
      db,
      (deviceId, remaining) => realtime.io.to(rooms.device(deviceId)).emit('keys:low', { remaining }),
      createRateLimiter({
        name: 'prekey-claims',
        policy: ONE_TIME_PREKEY_CLAIMS,
        redis: deps.redis,
        redisPrefix: config.REDIS_PREFIX,
        now: () => clock().getTime(),
      }),
    ),
    channels: new ChannelService(db, delivery, clock, membershipEnded),
    messages: new MessageService(
      db,
      delivery,
      blobs,
      clock,
      { maxEnvelopeBytes: config.MAX_ENVELOPE_BYTES },
      new SendGuard(tagger),
    ),
    receipts: new ReceiptService(db, delivery),
    typing: new TypingService(db, delivery),
    presence,
    files: new FileService(db, blobs, clock, {
      maxFileBytes: config.MAX_FILE_BYTES,
      orgQuotaBytes: config.ORG_STORAGE_QUOTA_BYTES,
    }),
    moderation: new ModerationService(db, delivery, clock, membershipEnded),
    joins: new JoinService(db, delivery, clock),
    reports: new ReportService(
      db,
      realtime,
      tagger,
      createRateLimiter({
        name: 'reports',
        policy: REPORTS_PER_PERSON,
        redis: deps.redis,
        redisPrefix: config.REDIS_PREFIX,
        now: () => clock().getTime(),
      }),
      clock,
    ),
  };
}
