import type { FastifyInstance } from 'fastify';
import { calendarEndpoints as endpoints } from '@spreekuur/protocol/scheduling';
import { preferredLocale, routeGroup } from '@spreekuur/server';
import type { SchedulingServices } from '../services.ts';

const ICS = 'text/calendar; charset=utf-8';
/** Calendar apps poll the feed; the limit is per client address, as no one is signed in. */
const FEED_FETCHES_PER_MINUTE = 120;

/** Appointment files and feed URLs, sent as text (RFC 5545), not serialised as JSON. */
export async function calendarRoutes(app: FastifyInstance, { calendar }: SchedulingServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.appointmentFile, async ({ principal, params, request, reply }) => {
    const text = await calendar.appointmentFile(
      principal,
      params.id,
      preferredLocale(request.headers['accept-language']),
    );
    return reply
      .header('content-type', ICS)
      .header('content-disposition', `attachment; filename="afspraak-${params.id}.ics"`)
      .header('cache-control', 'no-store')
      .send(text);
  });
  routes.add(endpoints.createFeed, ({ principal }) => calendar.createFeed(principal));
  routes.add(endpoints.revokeFeed, ({ principal }) => calendar.revokeFeed(principal));
}

/**
 * The public feed calendar apps subscribe to: the secret token in its query is the only
 * credential, and the logger redacts `token` from URLs (packages/server/src/logging.ts).
 */
export async function calendarFeedRoute(app: FastifyInstance, { calendar }: SchedulingServices) {
  routeGroup(app).add(
    endpoints.feed,
    async ({ query, reply }) =>
      reply
        .header('content-type', ICS)
        .header('cache-control', 'private, max-age=300')
        .send(await calendar.feed(query.token)),
    { rateLimit: { max: FEED_FETCHES_PER_MINUTE, timeWindow: '1 minute' } },
  );
}
