import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as wire from '@spreekuur/protocol/scheduling';
import { preferredLocale, principalOf } from '@spreekuur/server';
import type { SchedulingServices } from '../services.ts';
import { errors, security } from './common.ts';

const ICS = 'text/calendar; charset=utf-8';
/** An iCalendar file in the OpenAPI document; sent as text, not serialised as JSON. */
const icsResponse = {
  200: {
    description: 'RFC 5545 iCalendar (UTC times, stable UID, SEQUENCE)',
    content: { 'text/calendar': { schema: z.string() } },
  },
};

/** Appointment types, availability, slots, bookings, calendar files and in-app notifications. */
export async function appointmentRoutes(fastify: FastifyInstance, services: SchedulingServices) {
  const api = fastify.withTypeProvider<ZodTypeProvider>();
  const { appointments, calendar, notifications } = services;
  const tags = ['appointments'];

  api.get('/v1/scheduling/teams/:teamId/appointment-types', {
    schema: {
      tags,
      summary: 'What a team offers (chat, phone, video, face to face) and who can be booked',
      security,
      params: wire.teamParams,
      response: { 200: wire.appointmentTypeListing, ...errors },
    },
    handler: async (request) => appointments.listTypes(principalOf(request), request.params.teamId),
  });
  api.post('/v1/scheduling/teams/:teamId/appointment-types', {
    schema: {
      tags,
      security,
      params: wire.teamParams,
      body: wire.appointmentTypeInput,
      response: { 201: wire.appointmentType, ...errors },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await appointments.createType(principalOf(request), request.params.teamId, request.body)),
  });
  api.put('/v1/scheduling/appointment-types/:id', {
    schema: {
      tags,
      summary: 'Change a type (existing appointments keep what they were booked with)',
      security,
      params: wire.resourceParams,
      body: wire.appointmentTypeInput,
      response: { 200: wire.appointmentType, ...errors },
    },
    handler: async (request) =>
      appointments.updateType(principalOf(request), request.params.id, request.body),
  });
  api.delete('/v1/scheduling/appointment-types/:id', {
    schema: {
      tags,
      summary: 'Stop offering a type (existing appointments stay)',
      security,
      params: wire.resourceParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await appointments.archiveType(principalOf(request), request.params.id);
      return reply.code(204).send(null);
    },
  });

  api.get('/v1/scheduling/workers/:workerId/availability', {
    schema: {
      tags,
      security,
      params: wire.workerParams,
      response: { 200: wire.workerAvailabilityDocument, ...errors },
    },
    handler: async (request) => appointments.availability(principalOf(request), request.params.workerId),
  });
  api.put('/v1/scheduling/workers/:workerId/availability', {
    schema: {
      tags,
      summary: 'Publish when you can be booked (weekly ranges in your zone plus date overrides)',
      security,
      params: wire.workerParams,
      body: wire.workerAvailability,
      response: { 200: wire.workerAvailabilityDocument, ...errors },
    },
    handler: async (request) =>
      appointments.setAvailability(principalOf(request), request.params.workerId, request.body),
  });

  api.get('/v1/scheduling/slots', {
    schema: {
      tags,
      summary: 'Free slots on your own dates, in your zone',
      security,
      querystring: wire.slotQuery,
      response: { 200: wire.slotListing, ...errors },
    },
    handler: async (request) => appointments.slots(principalOf(request), request.query),
  });

  api.post('/v1/scheduling/appointments', {
    schema: {
      tags,
      summary:
        'Book a slot (exactly one of two people racing for it gets it); a resident has at most the type’s maxOpenBookingsPerResident open bookings of it (default 2), else 409 ERR_SCHED_BOOKING_LIMIT',
      security,
      body: wire.bookAppointmentBody,
      response: { 201: wire.appointment, ...errors },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await appointments.book(principalOf(request), request.body)),
  });
  api.get('/v1/scheduling/appointments', {
    schema: {
      tags,
      summary: 'Your appointments (residents: your own; workers: yours and your teams’)',
      security,
      querystring: wire.appointmentListQuery,
      response: { 200: wire.appointmentList, ...errors },
    },
    handler: async (request) => appointments.list(principalOf(request), request.query),
  });
  api.get('/v1/scheduling/appointments/:id', {
    schema: { tags, security, params: wire.resourceParams, response: { 200: wire.appointment, ...errors } },
    handler: async (request) => appointments.view(principalOf(request), request.params.id),
  });
  api.post('/v1/scheduling/appointments/:id/reschedule', {
    schema: {
      tags,
      security,
      params: wire.resourceParams,
      body: wire.rescheduleAppointmentBody,
      response: { 200: wire.appointment, ...errors },
    },
    handler: async (request) =>
      appointments.reschedule(principalOf(request), request.params.id, request.body.start),
  });
  api.post('/v1/scheduling/appointments/:id/cancel', {
    schema: { tags, security, params: wire.resourceParams, response: { 200: wire.appointment, ...errors } },
    handler: async (request) => appointments.cancel(principalOf(request), request.params.id),
  });
  api.get('/v1/scheduling/appointments/:id/ics', {
    schema: {
      tags: ['calendar'],
      summary: 'The appointment as an iCalendar file (text/calendar)',
      security,
      params: wire.resourceParams,
      response: { ...icsResponse, ...errors },
    },
    handler: async (request, reply) => {
      const text = await calendar.appointmentFile(
        principalOf(request),
        request.params.id,
        preferredLocale(request.headers['accept-language']),
      );
      return reply
        .header('content-type', ICS)
        .header('content-disposition', `attachment; filename="afspraak-${request.params.id}.ics"`)
        .header('cache-control', 'no-store')
        .send(text);
    },
  });

  api.post('/v1/scheduling/calendar-feed', {
    schema: {
      tags: ['calendar'],
      summary: 'Make (or replace) your calendar-feed URL; the URL is secret and shown only now',
      security,
      response: { 201: wire.calendarFeed, ...errors },
    },
    handler: async (request, reply) => reply.code(201).send(await calendar.createFeed(principalOf(request))),
  });
  api.delete('/v1/scheduling/calendar-feed', {
    schema: { tags: ['calendar'], security, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await calendar.revokeFeed(principalOf(request));
      return reply.code(204).send(null);
    },
  });

  api.get('/v1/scheduling/notifications', {
    schema: {
      tags: ['notifications'],
      security,
      querystring: wire.notificationQuery,
      response: { 200: wire.notificationList, ...errors },
    },
    handler: async (request) => notifications.list(principalOf(request), request.query.unread === 'true'),
  });
  api.post('/v1/scheduling/notifications/read', {
    schema: {
      tags: ['notifications'],
      security,
      body: wire.markNotificationsReadBody,
      response: { 200: z.strictObject({ marked: z.number().int() }), ...errors },
    },
    handler: async (request) => notifications.markRead(principalOf(request), request.body.ids),
  });
}

/** The calendar feed: authenticated by the secret token in its URL, not a bearer token. */
export async function calendarFeedRoute(fastify: FastifyInstance, services: SchedulingServices) {
  const api = fastify.withTypeProvider<ZodTypeProvider>();
  api.get('/v1/calendar/feed.ics', {
    config: { rateLimit: { max: 120, timeWindow: '1 minute' } },
    schema: {
      tags: ['calendar'],
      summary: 'A worker’s calendar feed (text/calendar); the secret token is the only credential',
      querystring: wire.calendarFeedQuery,
      response: { ...icsResponse, ...errors },
    },
    handler: async (request, reply) =>
      reply
        .header('content-type', ICS)
        .header('cache-control', 'private, max-age=300')
        .send(await services.calendar.feed(request.query.token)),
  });
}
