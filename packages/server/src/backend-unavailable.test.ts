import { describe, expect, it } from 'vitest';
import { isBackendUnavailable } from './backend-unavailable.ts';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isBackendUnavailable', () => {
  it('recognises a database or Redis that cannot be reached', () => {
    expect(isBackendUnavailable(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED'))).toBe(true);
    expect(
      isBackendUnavailable(withCode('terminating connection due to administrator command', '57P01')),
    ).toBe(true);
    expect(isBackendUnavailable(withCode('the database system is shutting down', '57P03'))).toBe(true);
    expect(isBackendUnavailable(withCode('connection failure', '08006'))).toBe(true);
    expect(isBackendUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isBackendUnavailable(new Error('timeout exceeded when trying to connect'))).toBe(true);
    const redis = new Error('Reached the max retries per request limit (which is 2).');
    redis.name = 'MaxRetriesPerRequestError';
    expect(isBackendUnavailable(redis)).toBe(true);
  });

  it('leaves real faults alone: they stay internal errors', () => {
    expect(isBackendUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(
      false,
    );
    expect(isBackendUnavailable(withCode('duplicate key value violates unique constraint', '23505'))).toBe(
      false,
    );
    expect(isBackendUnavailable(withCode('syntax error at or near "SELEC"', '42601'))).toBe(false);
    expect(isBackendUnavailable('ECONNREFUSED')).toBe(false);
  });
});
