import { fromBase64Url, toBase64Url, utf8Decode } from '@spreekuur/crypto/encoding';
import { openReveal, sealReveal, serverOpening, verifyFranking } from '@spreekuur/crypto/franking';
import type { DeviceIdentity } from '@spreekuur/crypto/identity';
import {
  chatEndpoints,
  moderationEndpoints as endpoints,
  type GroupLink,
  type JoinOutcome,
  type JoinRequest,
  type ModerationState,
  type Report,
} from '@spreekuur/protocol/chat';
import { SpreekuurError } from './errors.ts';
import type { HttpClient } from './http.ts';
import type { KeyValueStore } from './storage/key-value-store.ts';
import { proveAddition } from './sync/membership-proofs.ts';

type ReportReason = Report['reason'];
type ReportStatus = Report['status'];

/** What a moderator's device read of a report: the reveal, and whether it opens the message's commitment. */
export interface OpenedReport extends Report {
  /** Null when no copy was sealed to this device, or it did not open. */
  reveal: {
    /** The reported plaintext as the reporter's device decrypted it (UTF-8 JSON of the message). */
    plaintext: string;
    note: string;
    /** The plaintext opens the franking commitment the server bound to sender, channel, seq and time. */
    verified: boolean;
  } | null;
}

/**
 * A report: reason and note. What is revealed, the exact plaintext bytes this device decrypted
 * and the message's franking key, is kept by the SDK when the message arrives; pass them only
 * for a message this store does not hold.
 */
export interface ReportInput {
  reason: ReportReason;
  note?: string;
  plaintext?: Uint8Array;
  frankingKey?: Uint8Array;
}

/**
 * `client.moderation`: moderating groups (owners and moderators) and reporting messages under
 * end-to-end encryption with message franking (packages/crypto/SPEC.md §14, docs/moderation.md).
 * Every method refuses with the server's error code (`SpreekuurError.code`), e.g.
 * `ERR_CHAT_ROLE_REQUIRED` for a member acting as a moderator.
 */
export class ModerationClient {
  constructor(
    private readonly http: HttpClient,
    private readonly self: { personId: string; deviceId: string; identity: DeviceIdentity },
    private readonly store: KeyValueStore,
  ) {}

  /** Slow mode, lock, mutes, bans and pins of a group (any member). */
  state(channelId: string): Promise<ModerationState> {
    return this.http.call(endpoints.state, { params: { id: channelId } });
  }

  mute(channelId: string, personId: string, seconds: number): Promise<ModerationState> {
    return this.http.call(endpoints.mute, { params: { id: channelId }, body: { personId, seconds } });
  }

  unmute(channelId: string, personId: string): Promise<ModerationState> {
    return this.http.call(endpoints.unmute, { params: { id: channelId, personId } });
  }

  /** Removes the person and keeps them out until {@link unban}. */
  ban(channelId: string, personId: string): Promise<ModerationState> {
    return this.http.call(endpoints.ban, { params: { id: channelId }, body: { personId } });
  }

  unban(channelId: string, personId: string): Promise<ModerationState> {
    return this.http.call(endpoints.unban, { params: { id: channelId, personId } });
  }

  /** At most one message per `seconds` per member; 0 switches slow mode off. */
  setSlowMode(channelId: string, seconds: number): Promise<ModerationState> {
    return this.http.call(endpoints.slowMode, { params: { id: channelId }, body: { seconds } });
  }

  /** Locked: only owners and moderators post. */
  setLocked(channelId: string, locked: boolean): Promise<ModerationState> {
    return this.http.call(endpoints.lock, { params: { id: channelId }, body: { locked } });
  }

  pin(channelId: string, seq: number): Promise<ModerationState> {
    return this.http.call(endpoints.pin, { params: { id: channelId }, body: { seq } });
  }

  unpin(channelId: string, seq: number): Promise<ModerationState> {
    return this.http.call(endpoints.unpin, { params: { id: channelId, seq } });
  }

  /** The owner makes a member moderator, or back. */
  setRole(channelId: string, personId: string, role: 'moderator' | 'member'): Promise<ModerationState> {
    return this.http.call(endpoints.setRole, { params: { id: channelId, personId }, body: { role } });
  }

  /** Someone who opens a group link waits for a moderator's approval (or joins at once when false). */
  setApprovalRequired(channelId: string, required: boolean): Promise<ModerationState> {
    return this.http.call(endpoints.approval, { params: { id: channelId }, body: { required } });
  }

  /** A new group link. The token is in this answer only: put it in the link (after `#`) now. */
  createLink(channelId: string): Promise<{ link: GroupLink; token: string }> {
    return this.http.call(endpoints.createLink, { params: { id: channelId } });
  }

  async links(channelId: string): Promise<GroupLink[]> {
    return (await this.http.call(endpoints.links, { params: { id: channelId } })).links;
  }

  /** Opening the link fails from now on (`ERR_MOD_LINK_REVOKED`); who joined stays. */
  revokeLink(channelId: string, linkId: string): Promise<GroupLink> {
    return this.http.call(endpoints.revokeLink, { params: { id: channelId, linkId } });
  }

  async joinRequests(channelId: string): Promise<JoinRequest[]> {
    return (await this.http.call(endpoints.joinRequests, { params: { id: channelId } })).requests;
  }

  /**
   * Adds the person as a member, signed by this device like `addMember` (SPEC §13.5), so the
   * other members' devices do not report it as `membership:unverified`; returns who still waits.
   */
  async approveJoin(channelId: string, personId: string): Promise<JoinRequest[]> {
    const { lastSeq } = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
    const proof = proveAddition(this.self, { channelId, personId, role: 'member', afterSeq: lastSeq });
    return (
      await this.http.call(endpoints.decideJoin, {
        params: { id: channelId, personId },
        body: { decision: 'approve', proof },
      })
    ).requests;
  }

  async refuseJoin(channelId: string, personId: string): Promise<JoinRequest[]> {
    return (
      await this.http.call(endpoints.decideJoin, {
        params: { id: channelId, personId },
        body: { decision: 'refuse' },
      })
    ).requests;
  }

  /** The group a link leads to and whether this person is in, waiting, or not yet. */
  previewLink(token: string) {
    return this.http.call(endpoints.previewLink, { body: { token } });
  }

  /**
   * Joins through a link (`joined`), or asks to (`pending`) when the group requires approval.
   * A banned person is refused (`ERR_MOD_BANNED`), a revoked link too (`ERR_MOD_LINK_REVOKED`).
   * Once a member, the channel arrives as usual (a `membership` event).
   */
  joinByLink(token: string): Promise<JoinOutcome> {
    return this.http.call(endpoints.joinByLink, { body: { token } });
  }

  /** Removes a member (moderators), without a ban. */
  async remove(channelId: string, personId: string): Promise<void> {
    await this.http.call(chatEndpoints.removeMember, { params: { id: channelId, personId } });
  }

  /** Deletes a message for everyone (moderators may delete anyone's in a group): a tombstone, no plaintext. */
  async deleteMessage(channelId: string, seq: number): Promise<void> {
    await this.http.call(chatEndpoints.deleteMessage, { params: { id: channelId, seq } });
  }

  /**
   * Reports a message: the server gets the franking opening (binding key and keyed digest,
   * nothing of the plaintext); the plaintext, its franking key and the note are sealed to each
   * device of the group's owners and moderators. The server refuses a report that does not open
   * the message's commitment (`ERR_MOD_REPORT_FORGED`); a message this device never decrypted
   * with a valid commitment cannot be reported (`ERR_MOD_NOT_FRANKED`).
   */
  async report(channelId: string, seq: number, input: ReportInput): Promise<Report> {
    const channel = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
    const moderators = new Set(
      channel.members.filter((member) => member.role !== 'member').map((member) => member.personId),
    );
    const { devices } = await this.http.call(chatEndpoints.channelDevices, { params: { id: channelId } });
    const kept = await this.store.get<{ plaintext: string; frankingKey: string }>(
      `franking/${channelId}/${seq}`,
    );
    const plaintext = input.plaintext ?? (kept ? fromBase64Url(kept.plaintext) : undefined);
    const frankingKey = input.frankingKey ?? (kept ? fromBase64Url(kept.frankingKey) : undefined);
    if (!plaintext || !frankingKey)
      throw new SpreekuurError('ERR_MOD_NOT_FRANKED', 'this device holds no franked copy of that message');
    const reveal = { frankingKey, plaintext, note: input.note ?? '' };
    const sealed = devices
      .filter((device) => moderators.has(device.personId) && device.deviceId !== this.self.deviceId)
      .map((device) => ({
        deviceId: device.deviceId,
        ciphertext: toBase64Url(sealReveal(fromBase64Url(device.identityKey), reveal)),
      }));
    const opening = serverOpening(frankingKey, plaintext);
    return this.http.call(endpoints.createReport, {
      body: {
        channelId,
        seq,
        reason: input.reason,
        opening: { bindingKey: toBase64Url(opening.bindingKey), digest: toBase64Url(opening.digest) },
        sealed,
      },
    });
  }

  /** The group's reports (owners and moderators), each opened on this device and checked against its commitment. */
  async queue(channelId: string, status?: ReportStatus): Promise<OpenedReport[]> {
    const { reports } = await this.http.call(endpoints.reportQueue, {
      params: { id: channelId },
      query: status ? { status } : {},
    });
    return reports.map((report) => ({ ...report, reveal: this.open(report) }));
  }

  resolve(reportId: string, resolution: 'dismissed' | 'action_taken'): Promise<Report> {
    return this.http.call(endpoints.resolveReport, { params: { id: reportId }, body: { resolution } });
  }

  /** Reports this person made, and how they were handled. */
  async mine() {
    return (await this.http.call(endpoints.myReports)).reports;
  }

  /** Admins: the organisation's reports and how they were handled, without content. */
  async overview() {
    return (await this.http.call(endpoints.reportOverview)).reports;
  }

  private open(report: Report): OpenedReport['reveal'] {
    if (!report.sealed) return null;
    try {
      const reveal = openReveal(this.self.identity, fromBase64Url(report.sealed));
      return {
        plaintext: utf8Decode(reveal.plaintext),
        note: reveal.note,
        verified: verifyFranking(fromBase64Url(report.commitment), reveal.frankingKey, reveal.plaintext),
      };
    } catch {
      return null;
    }
  }
}
