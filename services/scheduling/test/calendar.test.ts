import ICAL from 'ical.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentView } from '@spreekuur/protocol/scheduling';
import {
  bookAppointment,
  call,
  expectStatus,
  offerAppointments,
  seedCast,
  startScheduling,
  type Cast,
  type SchedulingTestApp,
} from './fixtures.ts';

let test: SchedulingTestApp;
beforeAll(async () => {
  test = await startScheduling({ clock: { now: new Date('2025-12-08T07:00:00Z') } });
});
afterAll(() => test.close({ dispose: true }));

/** Parses with ical.js, a real iCalendar parser. */
function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return {
    calendar,
    events: calendar.getAllSubcomponents('vevent').map((component) => ({
      uid: String(component.getFirstPropertyValue('uid')),
      sequence: Number(component.getFirstPropertyValue('sequence')),
      status: String(component.getFirstPropertyValue('status')),
      summary: String(component.getFirstPropertyValue('summary')),
      location: component.getFirstPropertyValue('location'),
      start: new ICAL.Event(component).startDate.toJSDate().toISOString(),
    })),
  };
}

async function bookVisit(cast: Cast, start: string): Promise<AppointmentView> {
  const [type] = await offerAppointments(test, cast, {
    kind: 'in_person',
    name: 'Gesprek op kantoor',
    durationMinutes: 60,
    location: { name: 'Buurthuis De Linde', address: 'Lindelaan 1, Utrecht' },
  });
  return bookAppointment(test, cast, type!, start);
}

describe('calendar files', () => {
  it('one appointment as .ics: stable UID, SEQUENCE up on reschedule and cancel, parses in ical.js', async () => {
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    const resident = cast.residents[0]!;
    const visit = await bookVisit(cast, '2025-12-10T08:00:00Z');
    const ics = async () => {
      const response = await call(test, resident, 'GET', `/v1/scheduling/appointments/${visit.id}/ics`);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
      return parse(response.text).events[0]!;
    };
    const booked = await ics();
    expect(booked).toMatchObject({
      uid: `${visit.id}@spreekuur.example.nl`,
      sequence: 0,
      status: 'CONFIRMED',
      summary: 'Afspraak op locatie',
      location: 'Buurthuis De Linde, Lindelaan 1, Utrecht',
      start: '2025-12-10T08:00:00.000Z',
    });
    await expectStatus(
      call(test, resident, 'POST', `/v1/scheduling/appointments/${visit.id}/reschedule`, {
        start: '2025-12-11T09:00:00Z',
      }),
      200,
    );
    expect(await ics()).toMatchObject({ uid: booked.uid, sequence: 1, start: '2025-12-11T09:00:00.000Z' });
    await expectStatus(call(test, resident, 'POST', `/v1/scheduling/appointments/${visit.id}/cancel`), 200);
    expect(await ics()).toMatchObject({ uid: booked.uid, sequence: 2, status: 'CANCELLED' });
  });

  it('a worker’s feed behind a secret URL: minimal details unless the organisation allows names', async () => {
    const cast = await seedCast(test, { workers: 1, residents: 1 });
    const worker = cast.workers[0]!;
    const visit = await bookVisit(cast, '2025-12-12T08:00:00Z');
    const other = await seedCast(test, { workers: 1, residents: 1 });
    const otherVisit = await bookVisit(other, '2025-12-12T08:00:00Z');

    // Residents have no feed.
    expect((await call(test, cast.residents[0]!, 'POST', '/v1/scheduling/calendar-feed')).status).toBe(403);
    const feed = await expectStatus(
      call<{ url: string }>(test, worker, 'POST', '/v1/scheduling/calendar-feed'),
      201,
    );
    const url = new URL(feed.url);
    expect(url.origin + url.pathname).toBe('https://spreekuur.example.nl/v1/calendar/feed.ics');
    // Only a hash of the token is stored.
    const stored = await test.db.query<{ feed_token_hash: Uint8Array }>(
      'SELECT feed_token_hash FROM worker_calendars WHERE worker_id = $1',
      [worker.personId],
    );
    expect(Buffer.from(stored.rows[0]!.feed_token_hash).toString('utf8')).not.toContain(
      url.searchParams.get('token')!,
    );

    const fetchFeed = () => call(test, null, 'GET', `${url.pathname}${url.search}`);
    const first = await fetchFeed();
    expect(first.status).toBe(200);
    const parsed = parse(first.text);
    expect(parsed.calendar.getFirstPropertyValue('x-wr-calname')).toBe('Spreekuur afspraken');
    expect(parsed.events.map((event) => event.uid)).toEqual([`${visit.id}@spreekuur.example.nl`]);
    expect(first.text).not.toContain(otherVisit.id);
    expect(first.text).not.toContain('Inwoner');

    // The organisation allows names: the resident's name appears in the summary.
    expect(
      (await call(test, worker, 'PUT', '/v1/scheduling/settings', { calendarResidentNames: true })).status,
    ).toBe(403);
    await expectStatus(
      call(test, cast.admin, 'PUT', '/v1/scheduling/settings', { calendarResidentNames: true }),
      200,
    );
    expect(parse((await fetchFeed()).text).events[0]!.summary).toBe('Afspraak op locatie: Inwoner 1');

    // A new URL replaces the old one; revoking ends it; unknown tokens get the same 404.
    const renewed = await expectStatus(
      call<{ url: string }>(test, worker, 'POST', '/v1/scheduling/calendar-feed'),
      201,
    );
    expect((await fetchFeed()).status).toBe(404);
    const renewedUrl = new URL(renewed.url);
    expect((await call(test, null, 'GET', `${renewedUrl.pathname}${renewedUrl.search}`)).status).toBe(200);
    expect((await call(test, worker, 'DELETE', '/v1/scheduling/calendar-feed')).status).toBe(204);
    expect((await call(test, null, 'GET', `${renewedUrl.pathname}${renewedUrl.search}`)).status).toBe(404);
    expect((await call(test, null, 'GET', `/v1/calendar/feed.ics?token=cal_${'A'.repeat(43)}`)).status).toBe(
      404,
    );
    expect((await call(test, null, 'GET', '/v1/calendar/feed.ics')).status).toBe(400);
  });
});
