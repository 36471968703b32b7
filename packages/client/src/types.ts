import type { ChannelDevice, ModerationChange, ReceiptEvent } from '@spreekuur/protocol/chat';
import type { MessageContent } from '@spreekuur/protocol/content';
import type { ResidentQueueEntry, SchedulingNotification, TeamQueue } from '@spreekuur/protocol/scheduling';
import type { HistoryReceived } from './backup/history-transfer.ts';
import type { AdditionVerdict } from './sync/membership-proofs.ts';
import type { TrustPolicyState } from './sync/trust-policy.ts';

/** A message as the app sees it: decrypted, in channel order, delivered once. */
export interface ChatMessage {
  channelId: string;
  seq: number;
  clientId: string;
  senderPersonId: string;
  senderDeviceId: string;
  sentAt: string;
  /** Sent by this person (from this or another of their devices). */
  own: boolean;
  /** The newer version of an earlier message, if this is an edit. */
  replacesSeq: number | null;
  /**
   * `ok`: content is here. `deleted`: removed for everyone or expired. `unavailable`: not
   * readable on this device (sent before it was linked, or it failed to decrypt).
   */
  status: 'ok' | 'deleted' | 'unavailable';
  content: MessageContent | null;
}

/** What became of a message this device sends. */
export interface OutgoingUpdate {
  channelId: string;
  clientId: string;
  /**
   * `waiting`: not sent yet, tried again later (`code` says why); `held`: kept until the person
   * verifies a resident's safety number (`ERR_CLIENT_UNVERIFIED_DEVICE`, a sensitive team);
   * `sent`: stored by the server; `failed`: dropped.
   */
  state: 'waiting' | 'held' | 'sent' | 'failed';
  code?: string;
  seq?: number;
}

export interface MembershipChange {
  channelId: string;
  /**
   * The log entry of the change. When this device learns of its own removal only because the
   * server refuses the channel (removed while offline), the last entry it saw; `byPersonId` is null then.
   */
  seq: number;
  personId: string;
  change: 'added' | 'removed';
  byPersonId: string | null;
}

/**
 * A change in whom this device trusts (see `client.trust`). `key-changed`: the server lists
 * another identity key for a device we pinned (`accepted: false`: sending to the person is
 * refused until `trust.accept`); `device-added`: a new device of a person we knew;
 * `device-untrusted`: a device that gets nothing readable from us (its certificate does not
 * chain to a device we trust, or its person is not a member by our own view); `accepted` and
 * `verified`: the person's pending changes were accepted, or safety numbers were compared.
 */
export interface TrustChange {
  personId: string;
  deviceId?: string;
  /** For `not-a-member`: the channel whose listing had the device. */
  channelId?: string;
  /** For device changes: the key the server lists now. */
  identityKey?: string;
  change: 'key-changed' | 'device-added' | 'device-untrusted' | 'accepted' | 'verified';
  accepted?: boolean;
  reason?: 'uncertified' | 'not-a-member';
}

/**
 * `personId` was added to a group (entry `seq`, by `byPersonId` as the server says) without a
 * valid signature of an owner's or moderator's trusted device (SPEC §13.5): show it, and let
 * the members ask the owner. The member is added all the same.
 */
export interface UnverifiedAddition {
  channelId: string;
  seq: number;
  personId: string;
  byPersonId: string | null;
  reason: Exclude<AdditionVerdict, 'verified'>;
}

export interface ClientEvents extends Record<string, unknown> {
  message: ChatMessage;
  'message-deleted': { channelId: string; seq: number; byPersonId: string };
  membership: MembershipChange;
  'settings-changed': { channelId: string; disappearingSeconds: number | null; byPersonId: string };
  receipt: ReceiptEvent;
  typing: { channelId: string; personId: string; typing: boolean };
  presence: { personId: string; status: 'online' | 'away' | 'offline' };
  /** A person you talk to added a device: compare safety numbers if this is unexpected. */
  'contact-device-added': ChannelDevice;
  /** Keys and devices of the people you talk to (pins, verification): see {@link TrustChange}. */
  'trust:changed': TrustChange;
  /** A member added to a group without an owner's or moderator's signature: see {@link UnverifiedAddition}. */
  'membership:unverified': UnverifiedAddition;
  /** The trust policy this device follows, or the one its organisation offers, changed (SPEC §13.8). */
  'trust:policy': TrustPolicyState;
  connection: { state: 'online' | 'offline' };
  /**
   * How a message sent from this device fares: `waiting` (kept, tried again later; `code`
   * says why), `held` (kept until a resident is verified, SPEC §13.7), `sent` (stored by the
   * server, `seq`), or `failed` (dropped, `code`).
   */
  outgoing: OutgoingUpdate;
  /** A team's live queue after every change (workers and admins watching it). */
  queue: TeamQueue;
  /** The resident's own place in a queue after every change (place, estimate, assignment, end). */
  'queue-entry': ResidentQueueEntry;
  /** A new in-app notification (workers get them only while reachable). */
  notification: SchedulingNotification;
  /** This device was signed out (revoked from another device). */
  revoked: { reason: string };
  /** A moderator's action in a group (mute, ban, slow mode, lock, pin, role), from the channel log. */
  moderation: { channelId: string; seq: number; change: ModerationChange; byPersonId: string };
  /** A report in a group you moderate, or the outcome of one of yours. */
  report: { reportId: string; channelId: string; status: 'open' | 'dismissed' | 'action_taken' };
  /**
   * Another device of this person sent this device its history (SPEC §15.2), and it was
   * imported: show the conversations in `channelIds` again.
   */
  'history:received': HistoryReceived;
  /** Something went wrong in the background (never message content). */
  error: { code: string; message: string; channelId?: string; seq?: number };
}

export interface UploadProgress {
  fileId: string;
  sentBytes: number;
  totalBytes: number;
}
