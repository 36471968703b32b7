import { AppError } from '@spreekuur/protocol/errors';
import type { Result, SchedulingError } from './domain/index.ts';

/**
 * The domain returns expected failures as values; the edge throws them as `AppError`, which the
 * platform maps to the HTTP status / socket ack and the Dutch or English text of the catalogue.
 */
export function orThrow<T>(result: Result<T, SchedulingError>): T {
  if (result.ok) return result.value;
  const { code, message, details } = result.error;
  throw new AppError(code, message, details ? { details: { ...details } } : {});
}
