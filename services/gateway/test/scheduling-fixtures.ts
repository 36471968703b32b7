import type { Socket } from 'socket.io-client';
import { api, registerAndLogin, type Actor, type TestGateway } from './harness.ts';

/** Open every day, all day (UTC): the queue is open whenever the test runs. */
export const ALWAYS_OPEN = {
  weekly: {
    timeZone: 'UTC',
    days: Object.fromEntries(
      ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [
        day,
        [{ start: '00:00', end: '24:00' }],
      ]),
    ),
  },
  overrides: [],
};

/** Calls a route and fails with what came back unless the status is the expected one. */
export async function expectOk<T>(
  gateway: TestGateway,
  actor: { token: string },
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  body?: unknown,
  status = 200,
): Promise<T> {
  const response = await api<T>(gateway, actor, method, url, body);
  if (response.status !== status) {
    throw new Error(
      `${method} ${url}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
  return response.body;
}

/** Another worker in the team (invited by the organisation's admin). */
export async function addWorker(
  gateway: TestGateway,
  admin: Actor,
  teamId: string,
  name: string,
): Promise<Actor> {
  const invite = await expectOk<{ code: string }>(
    gateway,
    admin,
    'POST',
    '/v1/invites',
    { role: 'worker', teamId },
    201,
  );
  return registerAndLogin(gateway, invite.code, name);
}

/** Another resident of the team (invited by a worker). */
export async function addResident(
  gateway: TestGateway,
  worker: Actor,
  teamId: string,
  name: string,
): Promise<Actor> {
  const invite = await expectOk<{ code: string }>(
    gateway,
    worker,
    'POST',
    '/v1/invites',
    { role: 'resident', teamId },
    201,
  );
  return registerAndLogin(gateway, invite.code, name);
}

/**
 * The next `event` on the socket for which `matches` holds (pushes that do not match, e.g. a
 * periodic re-evaluation of the queue, are skipped).
 */
export function waitUntil<T>(
  socket: Socket,
  event: string,
  matches: (payload: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no matching ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}

/** Everything a socket received of one event, for asserting what did not arrive. */
export function record<T>(socket: Socket, event: string): T[] {
  const seen: T[] = [];
  socket.on(event, (payload: T) => seen.push(payload));
  return seen;
}

export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string } };

export function emitWithAck<T>(socket: Socket, event: string, payload: unknown): Promise<Ack<T>> {
  return socket.timeout(10_000).emitWithAck(event, payload) as Promise<Ack<T>>;
}

/** A local date in a zone, `days` from now (for overrides and slot queries). */
export function localDate(days: number, timeZone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(now.getTime() + days * 86_400_000));
}
