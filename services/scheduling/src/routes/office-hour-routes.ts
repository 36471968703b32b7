import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import * as wire from '@spreekuur/protocol/scheduling';
import { principalOf } from '@spreekuur/server';
import type { SchedulingServices } from '../services.ts';
import { errors, security } from './common.ts';

/** Office hours, duty and the live queue. */
export async function officeHourRoutes(fastify: FastifyInstance, services: SchedulingServices) {
  const api = fastify.withTypeProvider<ZodTypeProvider>();
  const { officeHours, duty, queue } = services;
  const tags = ['office hours'];

  // ---- Settings and hours ---------------------------------------------------------------
  api.get('/v1/scheduling/settings', {
    schema: { tags, security, response: { 200: wire.schedulingSettings, ...errors } },
    handler: async (request) => officeHours.settings(principalOf(request)),
  });
  api.put('/v1/scheduling/settings', {
    schema: {
      tags,
      summary: 'Organisation-wide scheduling settings (admins)',
      security,
      body: wire.schedulingSettings,
      response: { 200: wire.schedulingSettings, ...errors },
    },
    handler: async (request) => officeHours.setSettings(principalOf(request), request.body),
  });
  api.get('/v1/scheduling/teams/:teamId/office-hours', {
    schema: {
      tags,
      security,
      params: wire.teamParams,
      response: { 200: wire.teamOfficeHoursDocument, ...errors },
    },
    handler: async (request) => officeHours.get(principalOf(request), request.params.teamId),
  });
  api.put('/v1/scheduling/teams/:teamId/office-hours', {
    schema: {
      tags,
      summary: 'Publish the weekly schedule (several ranges a day) and date overrides',
      security,
      params: wire.teamParams,
      body: wire.teamOfficeHours,
      response: { 200: wire.teamOfficeHoursDocument, ...errors },
    },
    handler: async (request) =>
      officeHours.setHours(principalOf(request), request.params.teamId, request.body),
  });
  api.put('/v1/scheduling/teams/:teamId/queue-settings', {
    schema: {
      tags,
      security,
      params: wire.teamParams,
      body: wire.queueSettings,
      response: { 200: wire.teamOfficeHoursDocument, ...errors },
    },
    handler: async (request) =>
      officeHours.setQueueSettings(principalOf(request), request.params.teamId, request.body),
  });
  api.get('/v1/scheduling/teams/:teamId/status', {
    schema: {
      tags,
      summary: 'Open now or when it opens (in your zone), how to go ahead, and the other ways in',
      security,
      params: wire.teamParams,
      querystring: wire.timeZoneQuery,
      response: { 200: wire.teamStatus, ...errors },
    },
    handler: async (request) =>
      officeHours.status(principalOf(request), request.params.teamId, request.query.timeZone),
  });

  // ---- Duty -----------------------------------------------------------------------------
  api.get('/v1/scheduling/teams/:teamId/roster', {
    schema: {
      tags: ['duty'],
      security,
      params: wire.teamParams,
      querystring: wire.rosterQuery,
      response: { 200: z.strictObject({ shifts: z.array(wire.rosterShift) }), ...errors },
    },
    handler: async (request) => ({
      shifts: await duty.shifts(
        principalOf(request),
        request.params.teamId,
        request.query.from,
        request.query.to,
      ),
    }),
  });
  api.post('/v1/scheduling/teams/:teamId/roster', {
    schema: {
      tags: ['duty'],
      summary: 'Roster a worker of the team on duty for a stretch of time',
      security,
      params: wire.teamParams,
      body: wire.createRosterShiftBody,
      response: { 201: wire.rosterShift, ...errors },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await duty.addShift(principalOf(request), request.params.teamId, request.body)),
  });
  api.delete('/v1/scheduling/teams/:teamId/roster/:shiftId', {
    schema: { tags: ['duty'], security, params: wire.shiftParams, response: { 204: z.null(), ...errors } },
    handler: async (request, reply) => {
      await duty.removeShift(principalOf(request), request.params.teamId, request.params.shiftId);
      return reply.code(204).send(null);
    },
  });
  api.get('/v1/scheduling/teams/:teamId/duty', {
    schema: {
      tags: ['duty'],
      security,
      params: wire.teamParams,
      response: { 200: wire.dutyStatus, ...errors },
    },
    handler: async (request) => duty.status(principalOf(request), request.params.teamId),
  });
  api.put('/v1/scheduling/teams/:teamId/duty', {
    schema: {
      tags: ['duty'],
      summary: 'Switch yourself on or off duty (holds until the end of the current or next opening)',
      security,
      params: wire.teamParams,
      body: wire.dutyToggleBody,
      response: { 200: wire.dutyStatus, ...errors },
    },
    handler: async (request) => duty.toggle(principalOf(request), request.params.teamId, request.body.onDuty),
  });
  api.get('/v1/scheduling/workers/:workerId/reachability', {
    schema: {
      tags: ['duty'],
      summary: 'Whether a message reaches the worker now, or from when it will be seen',
      security,
      params: wire.workerParams,
      querystring: wire.timeZoneQuery,
      response: { 200: wire.reachability, ...errors },
    },
    handler: async (request) =>
      duty.reachability(principalOf(request), request.params.workerId, request.query.timeZone),
  });

  // ---- The live queue -------------------------------------------------------------------
  api.post('/v1/scheduling/teams/:teamId/queue', {
    schema: {
      tags: ['queue'],
      summary:
        'Start an office-hour conversation (residents); outside hours as a question for the next opening',
      security,
      params: wire.teamParams,
      body: wire.joinQueueBody,
      response: { 201: wire.residentQueueEntry, ...errors },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await queue.join(principalOf(request), request.params.teamId, request.body)),
  });
  api.get('/v1/scheduling/teams/:teamId/queue', {
    schema: {
      tags: ['queue'],
      summary: 'The live queue as workers see it (also pushed as scheduling:queue to watchers)',
      security,
      params: wire.teamParams,
      response: { 200: wire.teamQueue, ...errors },
    },
    handler: async (request) => queue.teamQueue(principalOf(request), request.params.teamId),
  });
  api.post('/v1/scheduling/teams/:teamId/queue/pick', {
    schema: {
      tags: ['queue'],
      summary: 'Take the longest-waiting resident',
      security,
      params: wire.teamParams,
      body: wire.pickNextBody,
      response: { 200: wire.queueConversation, ...errors },
    },
    handler: async (request) =>
      queue.pick(principalOf(request), request.params.teamId, request.body.expectedEntryId),
  });
  api.get('/v1/scheduling/queue/mine', {
    schema: {
      tags: ['queue'],
      summary: 'Your own conversations in office-hour queues (place, estimated wait, assignment)',
      security,
      response: { 200: z.strictObject({ entries: z.array(wire.residentQueueEntry) }), ...errors },
    },
    handler: async (request) => ({ entries: await queue.ownEntries(principalOf(request)) }),
  });
  api.delete('/v1/scheduling/queue/:entryId', {
    schema: {
      tags: ['queue'],
      summary: 'Leave the queue, or end the conversation (residents)',
      security,
      params: wire.entryParams,
      response: { 204: z.null(), ...errors },
    },
    handler: async (request, reply) => {
      await queue.leave(principalOf(request), request.params.entryId);
      return reply.code(204).send(null);
    },
  });
  api.post('/v1/scheduling/queue/:entryId/transfer', {
    schema: {
      tags: ['queue'],
      security,
      params: wire.entryParams,
      body: wire.transferBody,
      response: { 200: wire.queueConversation, ...errors },
    },
    handler: async (request) =>
      queue.transfer(principalOf(request), request.params.entryId, request.body.toWorkerId),
  });
  api.post('/v1/scheduling/queue/:entryId/hold', {
    schema: {
      tags: ['queue'],
      security,
      params: wire.entryParams,
      response: { 200: wire.queueConversation, ...errors },
    },
    handler: async (request) => queue.hold(principalOf(request), request.params.entryId),
  });
  api.post('/v1/scheduling/queue/:entryId/resume', {
    schema: {
      tags: ['queue'],
      security,
      params: wire.entryParams,
      response: { 200: wire.queueConversation, ...errors },
    },
    handler: async (request) => queue.resume(principalOf(request), request.params.entryId),
  });
  api.post('/v1/scheduling/queue/:entryId/close', {
    schema: {
      tags: ['queue'],
      summary: 'Close the conversation with an outcome',
      security,
      params: wire.entryParams,
      body: wire.closeConversationBody,
      response: { 200: wire.queueConversation, ...errors },
    },
    handler: async (request) =>
      queue.close(principalOf(request), request.params.entryId, request.body.outcome),
  });
}
