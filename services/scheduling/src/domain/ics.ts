import type { Locale } from '@spreekuur/protocol/common';
import type { AppointmentKind } from '@spreekuur/protocol/scheduling';
import type { Appointment } from './appointments.ts';

/**
 * RFC 5545 iCalendar for appointments: one `.ics` per appointment and a per-worker feed.
 * Times are written in UTC (`…Z`), so no VTIMEZONE is needed and every client shows its own zone.
 * No METHOD: these are published files, not iTIP invitations; a cancel is STATUS:CANCELLED.
 */

export interface IcsOptions {
  /** Right-hand side of every UID, e.g. the deployment's host name. Never change it: UIDs must stay stable. */
  readonly uidDomain: string;
  readonly locale: Locale;
  /** Organisation setting; off by default-minded callers: names of residents stay out of calendars. */
  readonly includeResidentName: boolean;
}

export interface IcsEvent {
  readonly appointment: Appointment;
  /** Only written when `includeResidentName` is set. */
  readonly residentName?: string;
  /** Link into the app (for chat and video appointments, where the conversation happens). */
  readonly url?: string;
}

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;
const PRODUCT_ID = '-//Spreekuur//Scheduling//NL';

const summaries: Record<Locale, Record<AppointmentKind, string>> = {
  nl: {
    chat: 'Chatafspraak',
    phone: 'Telefonische afspraak',
    video: 'Videoafspraak',
    in_person: 'Afspraak op locatie',
  },
  en: {
    chat: 'Chat appointment',
    phone: 'Phone appointment',
    video: 'Video appointment',
    in_person: 'Face-to-face appointment',
  },
};
const cancelledPrefix = { nl: 'Geannuleerd: ', en: 'Cancelled: ' } as const;

/** TEXT value escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, and newlines as `\n`. */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n');
}

const encoder = new TextEncoder();

/**
 * Folds a content line into lines of at most 75 octets (§3.1): CRLF plus one space before each
 * continuation. Splits between characters, never inside a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let currentOctets = 0;
  for (const character of line) {
    const octets = encoder.encode(character).length;
    // Continuation lines start with a space, which counts towards their 75 octets.
    const limit = parts.length === 0 ? MAX_LINE_OCTETS : MAX_LINE_OCTETS - 1;
    if (currentOctets + octets > limit) {
      parts.push(current);
      current = '';
      currentOctets = 0;
    }
    current += character;
    currentOctets += octets;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
}

/** `20250330T070000Z` */
export function formatUtc(instant: Date): string {
  return instant
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function eventUid(appointmentId: string, uidDomain: string): string {
  return `${singleLine(appointmentId, 'appointment id')}@${singleLine(uidDomain, 'uidDomain')}`;
}

/** URI and UID values are not TEXT and cannot be escaped: refuse anything that could break a line. */
function singleLine(value: string, what: string): string {
  const breaksLine = [...value].some((character) => {
    const code = character.charCodeAt(0);
    return code <= 0x20 || code === 0x7f || /\s/.test(character);
  });
  if (breaksLine) throw new RangeError(`${what} must not contain spaces or control characters`);
  return value;
}

function summaryOf(event: IcsEvent, options: IcsOptions): string {
  const { appointment } = event;
  const base = summaries[options.locale][appointment.kind];
  const withName =
    options.includeResidentName && event.residentName !== undefined && event.residentName.trim() !== ''
      ? `${base}: ${event.residentName.trim()}`
      : base;
  return appointment.status === 'cancelled' ? `${cancelledPrefix[options.locale]}${withName}` : withName;
}

function eventLines(event: IcsEvent, options: IcsOptions): string[] {
  const { appointment } = event;
  const lines = [
    'BEGIN:VEVENT',
    `UID:${eventUid(appointment.id, options.uidDomain)}`,
    `SEQUENCE:${appointment.sequence}`,
    `DTSTAMP:${formatUtc(appointment.updatedAt)}`,
    `CREATED:${formatUtc(appointment.createdAt)}`,
    `LAST-MODIFIED:${formatUtc(appointment.updatedAt)}`,
    `DTSTART:${formatUtc(appointment.start)}`,
    `DTEND:${formatUtc(appointment.end)}`,
    `SUMMARY:${escapeText(summaryOf(event, options))}`,
    `STATUS:${appointment.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'}`,
    `TRANSP:${appointment.status === 'cancelled' ? 'TRANSPARENT' : 'OPAQUE'}`,
    // Appointments concern a person's private situation: calendars should not share them.
    'CLASS:PRIVATE',
  ];
  if (appointment.kind === 'in_person') {
    const { name, address, directions } = appointment.location;
    lines.push(`LOCATION:${escapeText(`${name}, ${address}`)}`);
    if (directions !== undefined) lines.push(`DESCRIPTION:${escapeText(directions)}`);
  }
  if (event.url !== undefined) lines.push(`URL:${singleLine(event.url, 'url')}`);
  lines.push('END:VEVENT');
  return lines;
}

function calendar(headerLines: readonly string[], events: readonly IcsEvent[], options: IcsOptions): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${PRODUCT_ID}`,
    'CALSCALE:GREGORIAN',
    ...headerLines,
    ...events.flatMap((event) => eventLines(event, options)),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** One appointment as a `.ics` file (download, or attachment of a confirmation). */
export function appointmentIcs(event: IcsEvent, options: IcsOptions): string {
  return calendar([], [event], options);
}

/**
 * A worker's calendar feed (subscribed via a URL with a secret token). Include recently cancelled
 * appointments too: their STATUS:CANCELLED makes subscribed calendars drop them.
 */
export function calendarFeedIcs(
  events: readonly IcsEvent[],
  options: IcsOptions & { readonly calendarName: string },
): string {
  const name = escapeText(options.calendarName);
  const sorted = [...events].sort((a, b) => a.appointment.start.getTime() - b.appointment.start.getTime());
  return calendar(
    [`NAME:${name}`, `X-WR-CALNAME:${name}`, 'REFRESH-INTERVAL;VALUE=DURATION:PT1H', 'X-PUBLISHED-TTL:PT1H'],
    sorted,
    options,
  );
}
