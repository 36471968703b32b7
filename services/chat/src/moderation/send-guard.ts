import type { Queryable } from '@spreekuur/db';
import { fromBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { Principal } from '@spreekuur/server';
import type { Membership } from '../store/channel-store.ts';
import type { EventRow } from '../store/event-store.ts';
import { isModerated, sendRefusal, tracksSlowMode } from './domain/moderation-rules.ts';
import type { FrankingTagger } from './franking.ts';
import { insertFranking } from './store/report-store.ts';
import { recordLastMessage, sendLimits } from './store/moderation-store.ts';

/**
 * What moderation adds to sending a message (MessageService calls it inside the send
 * transaction, with the channel row locked, so two devices of one person are checked one
 * after the other): lock, mute and slow mode, and the franking tag on the stored message.
 */
export class SendGuard {
  constructor(private readonly tagger: FrankingTagger) {}

  /** Refuses a send the group's moderation forbids; under slow mode records when this member posted. */
  async check(
    tx: Queryable,
    membership: Pick<Membership, 'channel' | 'role'>,
    principal: Principal,
    now: Date,
  ): Promise<void> {
    // Owners and moderators are never held back: no lookup for them.
    if (!isModerated(membership.channel.kind) || membership.role !== 'member') return;
    const limits = await sendLimits(tx, membership.channel.id, principal.personId);
    const refusal = sendRefusal({
      kind: membership.channel.kind,
      role: membership.role,
      locked: membership.channel.announcements_only,
      now,
      ...limits,
    });
    if (refusal?.code === 'ERR_MOD_CHANNEL_LOCKED') throw new AppError(refusal.code);
    if (refusal?.code === 'ERR_MOD_MUTED')
      throw new AppError(refusal.code, undefined, { details: { until: refusal.until.toISOString() } });
    if (refusal?.code === 'ERR_MOD_SLOW_MODE')
      throw new AppError(refusal.code, undefined, { retryAfter: refusal.retryAfterSeconds });
    if (tracksSlowMode(membership.channel.kind, membership.role, limits.slowModeSeconds))
      await recordLastMessage(tx, membership.channel, principal.personId, now);
  }

  /** Stores the envelope's franking commitment with the server's tag over sender, channel, seq and time. */
  async recordFranking(tx: Queryable, row: EventRow, commitment: string | undefined): Promise<void> {
    if (commitment === undefined) return;
    const bytes = fromBase64Url(commitment);
    const tag = this.tagger.tag({
      channelId: row.channel_id,
      seq: row.seq,
      senderPersonId: row.sender_person_id!,
      senderDeviceId: row.sender_device_id!,
      createdAt: row.created_at,
      commitment: bytes,
    });
    await insertFranking(tx, row.channel_id, row.seq, bytes, tag);
  }
}
