import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '@spreekuur/db';
import { isUniqueViolation } from '@spreekuur/db';
import type { CreateReport, Report } from '@spreekuur/protocol/chat';
import { fromBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import {
  actorOf,
  emitTo,
  recordAudit,
  rooms,
  type Principal,
  type RateLimiter,
  type Realtime,
} from '@spreekuur/server';
import { checkRecipientDevices } from '../domain/device-set.ts';
import { requireMembership, requireReadableMembership, visibleLastSeq } from '../store/channel-store.ts';
import { isModerated, mayHandleReports } from './domain/moderation-rules.ts';
import { opensCommitment, type FrankingTagger } from './franking.ts';
import { moderatorDevices } from './store/moderation-store.ts';
import {
  channelReports,
  findFrankedMessage,
  findReport,
  insertReport,
  orgReports,
  resolveReport,
} from './store/report-store.ts';

/** Reports a person may make: 10 at once, then 10 an hour. */
export const REPORTS_PER_PERSON = { burst: 10, refillPerSecond: 10 / 3600 };

/**
 * Reports of group messages under end-to-end encryption (packages/crypto/SPEC.md §14). The
 * server accepts a report only when the reporter's opening opens the message's franking
 * commitment and the server's own tag on it verifies; the plaintext travels sealed to the
 * moderators' devices and is never readable here.
 */
export class ReportService {
  constructor(
    private readonly db: Database,
    private readonly realtime: Realtime,
    private readonly tagger: FrankingTagger,
    private readonly limiter: RateLimiter,
    private readonly clock: () => Date,
  ) {}

  async create(principal: Principal, body: CreateReport): Promise<Report> {
    const allowed = await this.limiter.take(`${principal.orgId}:${principal.personId}`);
    if (!allowed.ok)
      throw new AppError('ERR_RATE_LIMITED', undefined, { retryAfter: allowed.retryAfterSeconds });

    const { report, moderators } = await this.db.transaction(async (tx) => {
      // Former members may report what they could read; nobody may report beyond that.
      const membership = await requireReadableMembership(tx, principal, body.channelId);
      if (!isModerated(membership.channel.kind)) throw new AppError('ERR_MOD_GROUPS_ONLY');
      if (body.seq < membership.joinedSeq || body.seq > visibleLastSeq(membership))
        throw new AppError('ERR_NOT_FOUND', 'message not found');
      const message = await findFrankedMessage(tx, body.channelId, body.seq);
      if (!message) throw new AppError('ERR_NOT_FOUND', 'message not found');
      if (!message.commitment || !message.serverTag) throw new AppError('ERR_MOD_NOT_FRANKED');
      const tagged = {
        channelId: body.channelId,
        seq: body.seq,
        senderPersonId: message.senderPersonId,
        senderDeviceId: message.senderDeviceId,
        createdAt: message.createdAt,
        commitment: message.commitment,
      };
      // A commitment altered in the database no longer carries the server's tag.
      if (!this.tagger.verify(tagged, message.serverTag)) throw new AppError('ERR_MOD_REPORT_FORGED');
      const opening = body.opening;
      if (
        !opensCommitment(message.commitment, fromBase64Url(opening.bindingKey), fromBase64Url(opening.digest))
      )
        throw new AppError('ERR_MOD_REPORT_FORGED');

      // The reveal must be sealed to exactly the moderators' devices (not the reporter's own).
      const devices = (await moderatorDevices(tx, body.channelId)).filter(
        (deviceId) => deviceId !== principal.deviceId,
      );
      const check = checkRecipientDevices(
        devices,
        body.sealed.map((sealed) => sealed.deviceId),
      );
      if (!check.ok) {
        if ('duplicate' in check)
          throw new AppError('ERR_BAD_REQUEST', 'device addressed twice', {
            issues: [{ path: ['sealed'], message: `device ${check.duplicate} is addressed twice` }],
          });
        throw new AppError('ERR_CHAT_DEVICES_CHANGED', 'moderator devices differ', {
          mismatch: check.mismatch,
        });
      }

      const id = randomUUID();
      try {
        await insertReport(tx, {
          id,
          orgId: principal.orgId,
          channelId: body.channelId,
          seq: body.seq,
          reporterPersonId: principal.personId,
          reporterDeviceId: principal.deviceId,
          reason: body.reason,
          createdAt: this.clock(),
          sealed: new Map(body.sealed.map((sealed) => [sealed.deviceId, fromBase64Url(sealed.ciphertext)])),
        });
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('ERR_MOD_REPORT_DUPLICATE');
        throw error;
      }
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'moderation.report_created',
        subjectType: 'channel',
        subjectId: body.channelId,
        details: { reportId: id, seq: body.seq, reason: body.reason },
      });
      const stored = await findReport(tx, principal.orgId, id, principal.deviceId);
      return { report: stored!, moderators: await moderatorIds(tx, body.channelId) };
    });
    this.notify(moderators, report);
    const { orgId: _orgId, ...rest } = report;
    return rest;
  }

  /** A channel's reports, for its owners and moderators, each with this device's sealed reveal. */
  async queue(
    principal: Principal,
    channelId: string,
    status: Report['status'] | undefined,
  ): Promise<Report[]> {
    const membership = await requireMembership(this.db, principal, channelId);
    if (!mayHandleReports(membership.channel.kind, membership.role))
      throw new AppError('ERR_CHAT_ROLE_REQUIRED');
    return channelReports(this.db, channelId, principal.deviceId, status);
  }

  async resolve(
    principal: Principal,
    reportId: string,
    resolution: 'dismissed' | 'action_taken',
  ): Promise<Report> {
    const found = await findReport(this.db, principal.orgId, reportId, principal.deviceId);
    if (!found) throw new AppError('ERR_NOT_FOUND', 'report not found');
    await this.db.transaction(async (tx) => {
      const membership = await requireMembership(tx, principal, found.channelId, { lock: true });
      if (!mayHandleReports(membership.channel.kind, membership.role))
        throw new AppError('ERR_CHAT_ROLE_REQUIRED');
      if (!(await resolveReport(tx, reportId, resolution, principal.personId, this.clock())))
        throw new AppError('ERR_MOD_REPORT_RESOLVED');
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'moderation.report_resolved',
        subjectType: 'channel',
        subjectId: found.channelId,
        details: { reportId, resolution },
      });
    });
    const resolved = (await findReport(this.db, principal.orgId, reportId, principal.deviceId))!;
    // The reporter sees that it was handled (and the channel's moderators, that it is no longer open).
    this.notify([resolved.reporterPersonId, ...(await moderatorIds(this.db, found.channelId))], resolved);
    const { orgId: _orgId, ...rest } = resolved;
    return rest;
  }

  /** The reports the caller made, and how they were handled. */
  mine(principal: Principal): Promise<Report[]> {
    return orgReports(this.db, principal.orgId, principal.personId);
  }

  /** For admins: every report of the organisation and how it was handled, without content. */
  overview(principal: Principal): Promise<Report[]> {
    if (principal.role !== 'admin') throw new AppError('ERR_FORBIDDEN');
    return orgReports(this.db, principal.orgId, null);
  }

  private notify(personIds: readonly string[], report: Report): void {
    const audience = [...new Set(personIds)].map(rooms.person);
    if (audience.length === 0) return;
    emitTo(this.realtime.io.to(audience), 'moderation:report', {
      reportId: report.id,
      channelId: report.channelId,
      status: report.status,
    });
  }
}

async function moderatorIds(db: Queryable, channelId: string): Promise<string[]> {
  const { rows } = await db.query<{ person_id: string }>(
    `SELECT person_id FROM channel_members WHERE channel_id = $1 AND left_seq IS NULL AND role IN ('owner', 'moderator')`,
    [channelId],
  );
  return rows.map((row) => row.person_id);
}
