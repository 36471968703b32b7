import { z } from 'zod';
import { idParams } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { utcInstant } from './time.ts';

/** A worker's calendar feed: the URL (with its secret token) is shown once, when made. */
export const calendarFeed = z.strictObject({ url: z.url(), createdAt: utcInstant });
export const calendarFeedQuery = z.strictObject({ token: z.string().min(20).max(200) });

// ---- Endpoints ------------------------------------------------------------------------

const calendarTags = ['calendar'];
/** Calendar answers are text/calendar, not JSON. */
const ics = {
  responseContentType: 'text/calendar',
  responseDescription: 'RFC 5545 iCalendar (UTC times, stable UID, SEQUENCE)',
} as const;

/**
 * Calendar files and feeds (RFC 5545). The feed is what calendar apps subscribe to: it is
 * public, and the secret token in its URL is the only credential.
 */
export const calendarEndpoints = {
  appointmentFile: endpoint({
    method: 'GET',
    path: '/v1/scheduling/appointments/:id/ics',
    access: 'device',
    tags: calendarTags,
    summary: 'The appointment as an iCalendar file (text/calendar)',
    params: idParams,
    ...ics,
  }),
  createFeed: endpoint({
    method: 'POST',
    path: '/v1/scheduling/calendar-feed',
    access: 'device',
    tags: calendarTags,
    summary: 'Make (or replace) your calendar-feed URL; the URL is secret and shown only now',
    status: 201,
    response: calendarFeed,
  }),
  revokeFeed: endpoint({
    method: 'DELETE',
    path: '/v1/scheduling/calendar-feed',
    access: 'device',
    tags: calendarTags,
    status: 204,
  }),
  feed: endpoint({
    method: 'GET',
    path: '/v1/calendar/feed.ics',
    access: 'public',
    tags: calendarTags,
    summary: 'A worker’s calendar feed (text/calendar); the secret token is the only credential',
    query: calendarFeedQuery,
    ...ics,
  }),
} as const;
