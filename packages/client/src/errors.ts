import type { DeviceMismatch } from '@spreekuur/protocol/chat';
import type { ErrorCode, FieldIssue } from '@spreekuur/protocol/errors';

/** Failures that happen on the client side, before or instead of a server answer. */
export type ClientErrorCode =
  | 'ERR_CLIENT_NOT_REGISTERED'
  | 'ERR_CLIENT_NETWORK'
  | 'ERR_CLIENT_TIMEOUT'
  | 'ERR_CLIENT_BAD_RESPONSE'
  | 'ERR_CLIENT_CLOSED'
  | 'ERR_CLIENT_UNKNOWN_CHANNEL'
  | 'ERR_CLIENT_DEVICES_UNSTABLE'
  /** A device of this person shows another identity key than the one pinned: accept or verify first. */
  | 'ERR_CLIENT_KEY_CHANGED'
  /**
   * A sensitive team (SPEC §13.7): the safety number with this resident was not compared on this
   * device yet. The message is held in the outbox and goes once `trust.verify` is called.
   */
  | 'ERR_CLIENT_UNVERIFIED_DEVICE'
  /** The message comes from a device this device does not trust (uncertified, not a member, changed key). */
  | 'ERR_CLIENT_UNTRUSTED_SENDER'
  /** The sender or context inside the ciphertext differs from what the server says. */
  | 'ERR_CLIENT_MISMATCH'
  /** The store is locked: no key, or the wrong passphrase. */
  | 'ERR_CLIENT_LOCKED'
  /** The server's history of a channel skips entries this device has not seen (never expected). */
  | 'ERR_CLIENT_HISTORY_GAP'
  /** A key backup that does not open: wrong recovery key, another person's, or changed. */
  | 'ERR_CLIENT_BACKUP_INVALID'
  /** This device's keys and history do not fit in the server's backup limit. */
  | 'ERR_CLIENT_BACKUP_TOO_LARGE'
  /** A history transfer that is not from a trusted device of this person, or does not open here. */
  | 'ERR_CLIENT_HISTORY_INVALID'
  /** History is only sent to a device of this person that this device trusts (approve it first). */
  | 'ERR_CLIENT_DEVICE_NOT_APPROVED'
  /** A file's descriptor claims more bytes than this device downloads (MAX_DOWNLOAD_BYTES). */
  | 'ERR_CLIENT_FILE_TOO_LARGE';

/** Every error the SDK throws: a stable code (server catalogue or client), never a raw stack. */
export class SpreekuurError extends Error {
  override readonly name = 'SpreekuurError';
  constructor(
    readonly code: ErrorCode | ClientErrorCode,
    message: string,
    readonly details: {
      status?: number;
      issues?: FieldIssue[];
      mismatch?: DeviceMismatch;
      retryAfter?: number;
      /** ERR_CLIENT_KEY_CHANGED: whose keys changed; ERR_CLIENT_UNVERIFIED_DEVICE: whom to verify. */
      personIds?: string[];
      /** ERR_CLIENT_UNVERIFIED_DEVICE: the devices of those people that wait for it. */
      deviceIds?: string[];
    } = {},
  ) {
    super(message);
  }
}

export const isSpreekuurError = (error: unknown, code?: SpreekuurError['code']): error is SpreekuurError =>
  error instanceof SpreekuurError && (code === undefined || error.code === code);

/**
 * Network trouble and server unavailability are worth retrying; refusals are not. An answer
 * without our error body (a proxy's 502, 503 or 429) counts by its HTTP status.
 */
export function isRetryable(error: unknown): boolean {
  if (!(error instanceof SpreekuurError)) return false;
  if (error.code === 'ERR_CLIENT_BAD_RESPONSE') {
    const status = error.details.status ?? 0;
    return status >= 500 || status === 429;
  }
  return [
    'ERR_CLIENT_NETWORK',
    'ERR_CLIENT_TIMEOUT',
    'ERR_UNAVAILABLE',
    'ERR_INTERNAL',
    'ERR_RATE_LIMITED',
  ].includes(error.code);
}
