import { isSpreekuurError } from '@spreekuur/client';
import { appointmentEndpoints } from '@spreekuur/protocol/scheduling';
import { ALWAYS_OPEN, localDate } from '@spreekuur/testing/scheduling';
import type { Cast, Player } from './cast.ts';
import { sleep } from './ledger.ts';

/** What an app retries: the network, a timeout, a server that is not there right now. */
const RETRYABLE = ['ERR_CLIENT_NETWORK', 'ERR_CLIENT_TIMEOUT', 'ERR_UNAVAILABLE', 'ERR_CLIENT_BAD_RESPONSE'];

/**
 * Runs `attempt` until the server answers it (as an app retries a tap): the answer, or the
 * code of a refusal that names one of `refusals`. Anything else is a failure of the test.
 */
export async function untilAnswered<R extends string>(
  attempt: () => Promise<unknown>,
  refusals: readonly R[],
  tries = 300,
  /** Called with the code of every failure that was retried. */
  retried: (code: string) => void = () => undefined,
): Promise<'ok' | R> {
  for (let i = 0; i < tries; i++) {
    try {
      await attempt();
      return 'ok';
    } catch (error) {
      const refusal = refusals.find((code) => isSpreekuurError(error, code as never));
      if (refusal) return refusal;
      const code = RETRYABLE.find((c) => isSpreekuurError(error, c as never));
      if (!code) throw error;
      retried(code);
      await sleep(200);
    }
  }
  throw new Error('the server never answered');
}

export interface BookingDesk {
  typeId: string;
  /** Free slot starts of the worker, a few days from now; each race takes the next ones. */
  slots: string[];
}

/**
 * The worker publishes availability and a new appointment type (a resident may hold only a few
 * appointments of one type, so each race has its own); the free slots are listed.
 */
export async function openBookingDesk(cast: Cast): Promise<BookingDesk> {
  const worker = cast.worker.client;
  const workerId = worker.account.personId;
  await worker.call(appointmentEndpoints.publishAvailability, { params: { workerId }, body: ALWAYS_OPEN });
  const type = await worker.call(appointmentEndpoints.createType, {
    params: { teamId: cast.teamId },
    body: { kind: 'phone', name: 'Telefonisch spreekuur', durationMinutes: 30 },
  });
  const day = localDate(3, 'UTC');
  const listing = await cast.residents[0]!.client.call(appointmentEndpoints.slots, {
    query: { appointmentTypeId: type.id, workerId, from: day, to: day, timeZone: 'UTC' },
  });
  return { typeId: type.id, slots: listing.slots.map((slot) => slot.start) };
}

/**
 * Every resident taps "book" twice on one of `slotCount` slots (so two or more residents want
 * the same one), each tap retried until answered. Call `.settle()` after the fault.
 */
export function raceForSlots(cast: Cast, desk: BookingDesk, slotCount: number) {
  const slots = desk.slots.splice(0, slotCount);
  const workerId = cast.worker.client.account.personId;
  const retried: Record<string, number> = {};
  const book = (resident: Player, start: string) =>
    untilAnswered(
      () =>
        resident.client.call(appointmentEndpoints.book, {
          body: { appointmentTypeId: desk.typeId, workerId, start },
        }),
      ['ERR_SCHED_SLOT_TAKEN'] as const,
      300,
      (code) => (retried[code] = (retried[code] ?? 0) + 1),
    );
  const running = cast.residents.map(async (resident, i) => {
    const start = slots[i % slots.length]!;
    return { resident, start, taps: await Promise.all([book(resident, start), book(resident, start)]) };
  });
  const all = Promise.all(running);
  // Awaited by `settle`, after the fault; a failure meanwhile is not an unhandled rejection.
  all.catch(() => undefined);
  return { slots, retried, settle: () => all };
}

/**
 * After a race: bookings per slot (never more than one) and per resident (exactly one for each
 * resident that got an ack), read back from the worker's list.
 */
export async function bookingsAfter(cast: Cast, race: ReturnType<typeof raceForSlots>) {
  const outcomes = await race.settle();
  const { appointments } = await cast.worker.client.call(appointmentEndpoints.list, { query: {} });
  const booked = appointments.filter((a) => a.status === 'booked' && race.slots.includes(a.start));
  const perSlot = race.slots.map((start) => booked.filter((a) => a.start === start).length);
  const perAckedResident = outcomes
    .filter((o) => o.taps.includes('ok'))
    .map((o) => booked.filter((a) => a.residentId === o.resident.client.account.personId).length);
  const taps = outcomes.flatMap((o) => o.taps);
  return {
    perSlot,
    perAckedResident,
    acked: taps.filter((t) => t === 'ok').length,
    taken: taps.filter((t) => t === 'ERR_SCHED_SLOT_TAKEN').length,
    booked: booked.length,
    /** Why taps had to be retried: `ERR_UNAVAILABLE ×3, …`, or `none`. */
    retried:
      Object.entries(race.retried)
        .map(([code, n]) => `${code} ×${n}`)
        .join(', ') || 'none',
  };
}
