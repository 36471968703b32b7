import type { SchedulingErrorCode } from '@spreekuur/protocol/scheduling';

export type { SchedulingErrorCode };

/**
 * An expected failure of a domain operation. Returned as a value, never thrown: the edge maps
 * `code` to an HTTP status / socket ack and to the people-facing text in `schedulingErrorCatalog`.
 */
export interface SchedulingError<Code extends SchedulingErrorCode = SchedulingErrorCode> {
  readonly code: Code;
  /** English, for logs and tests only. */
  readonly message: string;
  /** Facts a client may show, e.g. the next opening for `ERR_SCHED_CLOSED`. */
  readonly details?: Readonly<Record<string, string | number | null>>;
}

export type Result<T, E = SchedulingError> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export function ok<T>(value: T): { readonly ok: true; readonly value: T } {
  return { ok: true, value };
}

export function fail<Code extends SchedulingErrorCode>(
  code: Code,
  message: string,
  details?: SchedulingError['details'],
): { readonly ok: false; readonly error: SchedulingError<Code> } {
  return { ok: false, error: details === undefined ? { code, message } : { code, message, details } };
}
