import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import { errorCatalog } from '@spreekuur/protocol/errors';
import { clientEvents, type ClientEventName } from '@spreekuur/protocol/realtime';
import { connect, waitFor, type Socket } from '@spreekuur/testing/socket';
import { hostileJson, hostileString } from './generators.ts';
import { databaseFingerprint } from './snapshot.ts';

/**
 * Every socket event of the realtime catalogue, fed payloads its schema refuses (fast-check),
 * with an ack, without one, with a non-function where the ack goes and with extra arguments;
 * and events that do not exist. Every ack is the catalogue's error, the socket stays up, the
 * server stays healthy, and the database is exactly as it was.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
const INTERNAL = /\bat [^\s]+ \(|:\d+:\d+\)|node_modules|\/work\/|\bSELECT\b|violates|TypeError|stack/;
const events = Object.keys(clientEvents) as ClientEventName[];

let gateway: TestGateway;
let socket: Socket;

beforeAll(async () => {
  gateway = await startGateway({
    env: {
      RATE_LIMIT_SOCKET_SENDS_PER_SECOND: '1000000',
      RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: '1000000',
      LOG_LEVEL: 'warn',
    },
  });
  const org = await seedOrganisation(gateway, 'fuzz-events');
  socket = connect(gateway, org.worker.token);
  await waitFor(socket, 'connect');
});
afterAll(async () => {
  socket?.close();
  await gateway?.close();
});

const ackOf = (event: string, ...args: unknown[]) =>
  socket.timeout(5_000).emitWithAck(event as never, ...(args as never[])) as Promise<unknown>;

function problem(event: string, payload: unknown, ack: unknown): string | null {
  const where = `${event} ${JSON.stringify(payload)?.slice(0, 200)} → ${JSON.stringify(ack)?.slice(0, 300)}`;
  const answer = ack as { ok?: unknown; error?: { code?: string; message?: unknown } } | null;
  if (!answer || answer.ok !== false) return `not refused: ${where}`;
  const code = answer.error?.code;
  if (!code || !(code in errorCatalog)) return `error code not in the catalogue: ${where}`;
  if (code === 'ERR_INTERNAL') return `internal error: ${where}`;
  if (typeof answer.error?.message !== 'string') return `error without a message: ${where}`;
  if (INTERNAL.test(JSON.stringify(ack))) return `internal detail in the ack: ${where}`;
  return null;
}

describe('every socket event, fuzzed with malformed payloads', () => {
  it(`${RUNS} malformed payloads per event: the catalogue's error ack, the socket stays, nothing changed`, async () => {
    const before = await databaseFingerprint(gateway.db);
    const problems: string[] = [];
    let sent = 0;
    for (const event of events) {
      const schema = clientEvents[event].payload;
      await fc.assert(
        fc.asyncProperty(
          hostileJson.filter((payload) => !schema.safeParse(payload).success),
          fc.constantFrom('ack', 'no-ack', 'not-a-function', 'extra-args'),
          async (payload, style) => {
            sent++;
            if (style === 'no-ack') socket.emit(event as never, payload);
            else if (style === 'not-a-function') socket.emit(event as never, payload, 'ack');
            else {
              const ack = await (style === 'extra-args'
                ? ackOf(event, payload, { extra: true }, 42)
                : ackOf(event, payload));
              const found = problem(event, payload, ack);
              if (found && problems.length < 20) problems.push(found);
            }
          },
        ),
        { numRuns: RUNS },
      );
    }
    // Events nobody declared, with any payload.
    await fc.assert(
      fc.asyncProperty(
        hostileString.filter(
          (name) => !(name in clientEvents) && !['connect', 'disconnect', 'connect_error'].includes(name),
        ),
        hostileJson,
        async (name, payload) => {
          sent++;
          const found = problem(name, payload, await ackOf(name, payload));
          if (found && problems.length < 20) problems.push(found);
        },
      ),
      { numRuns: RUNS },
    );
    console.log(
      `[faults] socket fuzz: ${sent} malformed events over ${events.length} events, ${problems.length} problems`,
    );
    expect(problems).toEqual([]);
    expect(socket.connected).toBe(true);
    expect(await databaseFingerprint(gateway.db)).toEqual(before);
    expect((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  }, 600_000);
});
