import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import type { Appointment } from './appointments.ts';
import { appointmentIcs, calendarFeedIcs, escapeText, foldLine, formatUtc, type IcsOptions } from './ics.ts';
import { at } from './testing.ts';

const options: IcsOptions = { uidDomain: 'spreekuur.example.nl', locale: 'nl', includeResidentName: false };

const phoneCall: Appointment = {
  id: '00000000-0000-4000-8000-000000000301',
  appointmentTypeId: 't1',
  workerId: 'w1',
  residentId: 'r1',
  kind: 'phone',
  location: null,
  start: at('2025-12-10T08:00:00Z'),
  end: at('2025-12-10T08:30:00Z'),
  bufferBeforeMinutes: 0,
  bufferAfterMinutes: 0,
  sequence: 0,
  createdAt: at('2025-12-01T09:00:00Z'),
  updatedAt: at('2025-12-01T09:00:00Z'),
  status: 'booked',
};

const visit: Appointment = {
  ...phoneCall,
  id: '00000000-0000-4000-8000-000000000302',
  kind: 'in_person',
  location: {
    name: 'Buurthuis De Linde; zaal 2',
    address: 'Lindelaan 1, 3511 AB Utrecht',
    directions: 'Ingang aan de achterkant,\nbel bij "Wijkteam" \\ tweede deur',
  },
  start: at('2025-12-11T13:00:00Z'),
  end: at('2025-12-11T13:45:00Z'),
};

function parse(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text) as unknown[]);
  return {
    calendar,
    events: calendar.getAllSubcomponents('vevent').map((component) => ({
      component,
      event: new ICAL.Event(component),
      status: component.getFirstPropertyValue('status'),
      dtstamp: String(component.getFirstPropertyValue('dtstamp')),
    })),
  };
}

/** Every line ends in CRLF and is at most 75 octets. */
function expectWellFormedLines(text: string) {
  expect(text.endsWith('\r\n')).toBe(true);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  for (const line of text.split('\r\n'))
    expect(new TextEncoder().encode(line).length).toBeLessThanOrEqual(75);
}

describe('one appointment as .ics', () => {
  it('parses in ical.js with a stable UID, sequence, times and a minimal summary', () => {
    const text = appointmentIcs({ appointment: phoneCall, residentName: 'Fatima de Vries' }, options);
    expectWellFormedLines(text);
    const { calendar, events } = parse(text);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('method')).toBeNull();
    expect(events).toHaveLength(1);
    const [{ event, status, dtstamp }] = events as [(typeof events)[number]];
    expect(event.uid).toBe('00000000-0000-4000-8000-000000000301@spreekuur.example.nl');
    expect(event.sequence).toBe(0);
    expect(event.startDate.toJSDate()).toEqual(phoneCall.start);
    expect(event.endDate.toJSDate()).toEqual(phoneCall.end);
    expect(event.summary).toBe('Telefonische afspraak');
    expect(status).toBe('CONFIRMED');
    expect(dtstamp).toBe('2025-12-01T09:00:00Z');
    // No resident name unless the organisation allows it.
    expect(text).not.toContain('Fatima');
  });

  it('includes the resident name only when allowed', () => {
    const text = appointmentIcs(
      { appointment: phoneCall, residentName: 'Fatima de Vries' },
      { ...options, includeResidentName: true, locale: 'en' },
    );
    expect(parse(text).events[0]?.event.summary).toBe('Phone appointment: Fatima de Vries');
  });

  it('escapes , ; \\ and newlines, and round-trips them through the parser', () => {
    const text = appointmentIcs({ appointment: visit }, options);
    expectWellFormedLines(text);
    const [{ event, component }] = parse(text).events as [ReturnType<typeof parse>['events'][number]];
    expect(event.location).toBe('Buurthuis De Linde; zaal 2, Lindelaan 1, 3511 AB Utrecht');
    expect(event.description).toBe('Ingang aan de achterkant,\nbel bij "Wijkteam" \\ tweede deur');
    expect(event.summary).toBe('Afspraak op locatie');
    expect(component.getFirstPropertyValue('class')).toBe('PRIVATE');
    expect(text).toContain('LOCATION:Buurthuis De Linde\\; zaal 2\\, Lindelaan 1\\, 3511 AB Utrecht');
  });

  it('marks a rescheduled appointment with the same UID and a higher sequence', () => {
    const original = parse(appointmentIcs({ appointment: phoneCall }, options)).events[0]!;
    const moved: Appointment = {
      ...phoneCall,
      start: at('2025-12-12T10:00:00Z'),
      end: at('2025-12-12T10:30:00Z'),
      sequence: 1,
      updatedAt: at('2025-12-05T12:00:00Z'),
    };
    const rescheduled = parse(appointmentIcs({ appointment: moved }, options)).events[0]!;
    expect(rescheduled.event.uid).toBe(original.event.uid);
    expect(rescheduled.event.sequence).toBe(1);
    expect(rescheduled.event.startDate.toJSDate()).toEqual(at('2025-12-12T10:00:00Z'));
    expect(rescheduled.dtstamp).toBe('2025-12-05T12:00:00Z');
    expect(rescheduled.status).toBe('CONFIRMED');
  });

  it('marks a cancelled appointment STATUS:CANCELLED with a higher sequence', () => {
    const cancelled: Appointment = {
      ...phoneCall,
      status: 'cancelled',
      cancelledAt: at('2025-12-06T08:00:00Z'),
      cancelledBy: 'resident',
      sequence: 2,
      updatedAt: at('2025-12-06T08:00:00Z'),
    };
    const text = appointmentIcs({ appointment: cancelled }, options);
    const [parsed] = parse(text).events;
    expect(parsed?.status).toBe('CANCELLED');
    expect(parsed?.event.sequence).toBe(2);
    expect(parsed?.event.uid).toBe('00000000-0000-4000-8000-000000000301@spreekuur.example.nl');
    expect(parsed?.event.summary).toBe('Geannuleerd: Telefonische afspraak');
    expect(parsed?.component.getFirstPropertyValue('transp')).toBe('TRANSPARENT');
  });

  it('refuses a URL or UID domain that could inject lines', () => {
    expect(() =>
      appointmentIcs({ appointment: phoneCall, url: 'https://x.nl/\r\nATTENDEE:evil' }, options),
    ).toThrow(RangeError);
    expect(() => appointmentIcs({ appointment: phoneCall }, { ...options, uidDomain: 'a b' })).toThrow(
      RangeError,
    );
    const withUrl = parse(
      appointmentIcs({ appointment: phoneCall, url: 'https://app.example.nl/a/1' }, options),
    );
    expect(withUrl.events[0]?.component.getFirstPropertyValue('url')).toBe('https://app.example.nl/a/1');
  });
});

describe('the worker feed', () => {
  it('holds every appointment, sorted, including cancelled ones, and parses', () => {
    const cancelled: Appointment = {
      ...phoneCall,
      id: '00000000-0000-4000-8000-000000000303',
      start: at('2025-12-09T08:00:00Z'),
      end: at('2025-12-09T08:30:00Z'),
      status: 'cancelled',
      cancelledAt: at('2025-12-02T00:00:00Z'),
      cancelledBy: 'worker',
      sequence: 1,
    };
    const text = calendarFeedIcs(
      [{ appointment: visit }, { appointment: phoneCall }, { appointment: cancelled }],
      {
        ...options,
        calendarName: 'Afspraken, Wijkteam Noord',
      },
    );
    expectWellFormedLines(text);
    const { calendar, events } = parse(text);
    // NAME (RFC 7986) and X-WR-CALNAME are TEXT for calendar apps, so escaped; ical.js's default design
    // set does not type them and hands the escaped value back as written.
    expect(calendar.getFirstPropertyValue('name')).toBe('Afspraken\\, Wijkteam Noord');
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Afspraken\\, Wijkteam Noord');
    expect(events.map(({ event }) => event.uid.split('@')[0]?.slice(-3))).toEqual(['303', '301', '302']);
    expect(events.map(({ status }) => status)).toEqual(['CANCELLED', 'CONFIRMED', 'CONFIRMED']);
    expect(new Set(events.map(({ event }) => event.uid)).size).toBe(3);
  });

  it('is an empty but valid calendar without appointments', () => {
    const { calendar, events } = parse(calendarFeedIcs([], { ...options, calendarName: 'Leeg' }));
    expect(events).toEqual([]);
    expect(calendar.getFirstPropertyValue('prodid')).toBe('-//Spreekuur//Scheduling//NL');
  });
});

describe('text building blocks', () => {
  it.each([
    ['a,b;c\\d', 'a\\,b\\;c\\\\d'],
    ['line 1\nline 2\r\nline 3\rline 4', 'line 1\\nline 2\\nline 3\\nline 4'],
    ['plain', 'plain'],
  ])('escapes %j', (input, expected) => {
    expect(escapeText(input)).toBe(expected);
  });

  it('folds at 75 octets without splitting a UTF-8 character, and unfolds to the original', () => {
    const line = `DESCRIPTION:${'Één afspraak met ü, é en 🙂 emoji — '.repeat(6)}`;
    const folded = foldLine(line);
    const lines = folded.split('\r\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const [index, part] of lines.entries()) {
      expect(new TextEncoder().encode(part).length).toBeLessThanOrEqual(75);
      if (index > 0) expect(part.startsWith(' ')).toBe(true);
      expect(part).not.toContain('\uFFFD');
    }
    expect(folded.replace(/\r\n /g, '')).toBe(line);
  });

  it('leaves short lines alone', () => {
    expect(foldLine('SUMMARY:kort')).toBe('SUMMARY:kort');
    expect(foldLine('X'.repeat(75))).toBe('X'.repeat(75));
    expect(foldLine('X'.repeat(76))).toBe(`${'X'.repeat(75)}\r\n X`);
  });

  it('writes UTC date-times in the basic format', () => {
    expect(formatUtc(at('2025-03-30T01:00:00.000Z'))).toBe('20250330T010000Z');
  });
});
