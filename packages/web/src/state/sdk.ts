/**
 * The SDK (`@spreekuur/client`, with libsodium and its WebAssembly: most of the app's weight) is
 * loaded on demand, not with the first screen: a first visit shows the join form without it and
 * fetches it while the person types (see docs/web.md, Weight). Nothing on the first screen may
 * import `@spreekuur/client` by value; type imports are free.
 */
import type { ClientErrorCode, SpreekuurError } from '@spreekuur/client';
import type { ErrorCode } from '@spreekuur/protocol/errors';

type Sdk = typeof import('@spreekuur/client');
let loading: Promise<Sdk> | null = null;

/** The SDK module; the first call starts the download, later calls share it. */
export function loadSdk(): Promise<Sdk> {
  loading ??= import('@spreekuur/client').catch((error: unknown) => {
    loading = null; // offline: the next call tries again
    throw error;
  });
  return loading;
}

/**
 * Starts fetching the SDK when the browser is idle (after the first screen has painted), so it is
 * there when the person presses "Verder".
 */
export function prefetchSdk(): void {
  const start = () => void loadSdk().catch(() => undefined);
  if ('requestIdleCallback' in window) requestIdleCallback(start, { timeout: 1_000 });
  else setTimeout(start, 0);
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
