import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type TestGateway } from './harness.ts';

/**
 * Regression: embedded PostgreSQL (PGlite) errors carry the statement (`query`) and its
 * values (`params`), and pino's err serialiser logs every enumerable property, so an
 * unexpected database error could write display names, nonces, token hashes or ciphertext
 * into the logs. Row values also appear in `detail` ("Failing row contains (…)").
 */
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway();
});
afterAll(() => gateway.close());

const SECRET_NAME = 'Geheime Naam 7f3a';

/** A real database error from a statement that carries a display name as a parameter. */
async function databaseError(): Promise<Error> {
  try {
    await gateway.db.query(
      `INSERT INTO people (id, org_id, role, display_name) VALUES ($1, $2, 'not-a-role', $3)`,
      [randomUUID(), randomUUID(), SECRET_NAME],
    );
  } catch (error) {
    return error as Error;
  }
  throw new Error('the insert should have failed');
}

function loggedLine(marker: string): string {
  const line = gateway.logs.find((entry) => entry.includes(marker));
  if (!line) throw new Error(`no log line with ${marker}`);
  return line;
}

describe('logged database errors', () => {
  it('never contain the statement’s parameters or row values, at any depth', async () => {
    const error = await databaseError();
    gateway.app.log.error({ err: error }, 'probe-direct');
    gateway.app.log.error({ err: new Error('wrapped', { cause: error }) }, 'probe-cause');
    gateway.app.log.error({ err: new AggregateError([error], 'several') }, 'probe-aggregate');
    gateway.app.log.error({ error, nested: { err: error } }, 'probe-other-keys');

    for (const marker of ['probe-direct', 'probe-cause', 'probe-aggregate', 'probe-other-keys']) {
      const line = loggedLine(marker);
      expect(line, marker).not.toContain(SECRET_NAME);
      expect(line, marker).toContain('people_role_check');
    }
    // What is useful for diagnosis stays: the error's message and SQLSTATE.
    expect(JSON.parse(loggedLine('probe-direct'))).toMatchObject({
      err: { message: expect.stringContaining('people_role_check') as unknown },
    });
  });

  it('strip query and params however an error carries them (embedded and real PostgreSQL alike)', () => {
    const error = Object.assign(new Error('boom-7c1e'), {
      query: 'SELECT QUERY-SECRET',
      params: ['PARAM-SECRET', new Uint8Array([1, 2, 3])],
      cause: { query: 'CAUSE-QUERY-SECRET', params: ['CAUSE-PARAM-SECRET'] },
      error: Object.assign(new Error('inner'), { params: ['INNER-PARAM-SECRET'] }),
    });
    gateway.app.log.error({ err: error }, 'probe-synthetic');
    gateway.app.log.error(error, 'probe-synthetic-top');
    for (const marker of ['probe-synthetic', 'probe-synthetic-top']) {
      const line = loggedLine(marker);
      expect(line).toContain('boom-7c1e');
      expect(line).not.toMatch(/QUERY-SECRET|PARAM-SECRET/);
    }
  });
});
