/**
 * The SDK (`@spreekuur/client`, with libsodium and its WebAssembly, zod and the protocol: most of
 * the app's weight) is not part of the first screen: a first visit shows the join form without it,
 * and it downloads meanwhile (see docs/web.md, Weight). Nothing the first screen imports may
 * import `@spreekuur/client`, `@spreekuur/protocol` or zod by value; type imports are free.
 */
import type { ClientErrorCode, SpreekuurError } from '@spreekuur/client';
import type { ErrorCode } from '@spreekuur/protocol/errors';
import type * as SdkModule from './sdk-entry.ts';

type Sdk = typeof SdkModule;
let loading: Promise<Sdk> | null = null;

/** The SDK module; the first call starts the download, later calls share it. */
export function loadSdk(): Promise<Sdk> {
  loading ??= import('./sdk-entry.ts').catch((error: unknown) => {
    loading = null; // offline: the next call tries again
    throw error;
  });
  return loading;
}

/**
 * Starts the download at once, without waiting for it: the first screen does not need it, and
 * everything after it does (returning devices straight away, new ones when they press "Verder").
 */
export function prefetchSdk(): void {
  void loadSdk().catch(() => undefined);
}

/**
 * `isSpreekuurError` without loading the SDK: its errors carry the name `SpreekuurError` and a
 * code (the SDK's own check is an `instanceof`, which needs the class).
 */
export function isSpreekuurError(
  error: unknown,
  code?: ErrorCode | ClientErrorCode,
): error is SpreekuurError {
  return (
    error instanceof Error &&
    error.name === 'SpreekuurError' &&
    'code' in error &&
    (code === undefined || error.code === code)
  );
}
