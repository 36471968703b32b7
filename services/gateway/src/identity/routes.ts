import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from '@spreekuur/protocol/errors';
import * as wire from '@spreekuur/protocol/identity';
import { principalOf, rooms } from '@spreekuur/server';
import { createDeviceLink, listOwnDevices, revokeOwnDevice } from './devices.ts';
import { createInvite, listInvites, redeemInvite, revokeInvite } from './invites.ts';
import { createChallenge, login } from './login.ts';
import { getMe, getPerson, listPeople } from './people.ts';
import { addTeamMember, createTeam, listTeams, removeTeamMember } from './teams.ts';

const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema };
const secured = [{ bearer: [] }];
const teamMemberParams = z.strictObject({ id: wire.invite.shape.id, personId: wire.invite.shape.id });

/** Registration, login, and everything a person does with their account and organisation. */
export async function identityRoutes(fastify: FastifyInstance) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const inviteSettings = () => ({
    publicUrl: app.config.PUBLIC_URL,
    defaultTtlDays: app.config.INVITE_TTL_DAYS,
  });
  const authRateLimit = { rateLimit: { max: app.config.RATE_LIMIT_AUTH_PER_MINUTE, timeWindow: '1 minute' } };

  // ---- Public: registration and device-key login --------------------------------------
  app.post('/v1/auth/register', {
    config: authRateLimit,
    schema: {
      tags: ['auth'],
      summary: 'Register a device with an invite code (creates the person, or links a device)',
      body: wire.registerBody,
      response: { 201: wire.registerResult, ...errors },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await redeemInvite(app.db, request.body, app.clock())),
  });

  app.post('/v1/auth/challenge', {
    config: authRateLimit,
    schema: {
      tags: ['auth'],
      summary: 'Get a single-use login challenge for a device (valid 60 s)',
      body: wire.challengeBody,
      response: { 200: wire.challengeResult, ...errors },
    },
    handler: async (request) => createChallenge(app.db, request.body.deviceId, app.clock()),
  });

  app.post('/v1/auth/login', {
    config: authRateLimit,
    schema: {
      tags: ['auth'],
      summary: 'Sign the challenge with the device identity key and get an access token',
      body: wire.loginBody,
      response: { 200: wire.loginResult, ...errors },
    },
    handler: async (request) => login(app.db, request.body, app.clock(), app.config.ACCESS_TOKEN_TTL_SECONDS),
  });

  // ---- Authenticated ------------------------------------------------------------------
  app.register(async (authenticated) => {
    const api = authenticated.withTypeProvider<ZodTypeProvider>();
    // onRequest: strangers are turned away before their body is read or validated.
    api.addHook('onRequest', api.authenticate);

    api.get('/v1/me', {
      schema: { tags: ['account'], security: secured, response: { 200: wire.me, ...errors } },
      handler: async (request) => getMe(api.db, principalOf(request)),
    });

    api.get('/v1/me/devices', {
      schema: {
        tags: ['account'],
        security: secured,
        response: { 200: z.object({ devices: z.array(wire.device) }), ...errors },
      },
      handler: async (request) => ({ devices: await listOwnDevices(api.db, principalOf(request)) }),
    });

    api.delete('/v1/me/devices/:id', {
      schema: {
        tags: ['account'],
        summary: 'Revoke one of your devices; it is signed out everywhere at once',
        security: secured,
        params: wire.idParams,
        response: { 204: z.null(), ...errors },
      },
      handler: async (request, reply) => {
        await revokeOwnDevice(api.db, principalOf(request), request.params.id, api.clock());
        await api.realtime.disconnectDevice(request.params.id, 'device_revoked');
        return reply.code(204).send(null);
      },
    });

    api.post('/v1/me/device-links', {
      schema: {
        tags: ['account'],
        summary: 'A one-time code (15 minutes) to link another device to your account',
        security: secured,
        response: { 201: wire.createdInvite, ...errors },
      },
      handler: async (request, reply) =>
        reply
          .code(201)
          .send(await createDeviceLink(api.db, principalOf(request), api.clock(), inviteSettings())),
    });

    api.get('/v1/teams', {
      schema: {
        tags: ['organisation'],
        security: secured,
        response: { 200: z.object({ teams: z.array(wire.team) }), ...errors },
      },
      handler: async (request) => ({ teams: await listTeams(api.db, principalOf(request)) }),
    });

    api.post('/v1/teams', {
      schema: {
        tags: ['organisation'],
        security: secured,
        body: wire.createTeamBody,
        response: { 201: wire.team, ...errors },
      },
      handler: async (request, reply) =>
        reply.code(201).send(await createTeam(api.db, principalOf(request), request.body.name)),
    });

    api.put('/v1/teams/:id/members/:personId', {
      schema: {
        tags: ['organisation'],
        security: secured,
        params: teamMemberParams,
        response: { 204: z.null(), ...errors },
      },
      handler: async (request, reply) => {
        await addTeamMember(api.db, principalOf(request), request.params.id, request.params.personId);
        return reply.code(204).send(null);
      },
    });

    api.delete('/v1/teams/:id/members/:personId', {
      schema: {
        tags: ['organisation'],
        security: secured,
        params: teamMemberParams,
        response: { 204: z.null(), ...errors },
      },
      handler: async (request, reply) => {
        await removeTeamMember(api.db, principalOf(request), request.params.id, request.params.personId);
        // Watching a team's queue was allowed at the time of watching: take every socket of the
        // person (on every node) out of the team's room now that they no longer belong to it.
        api.realtime.io.in(rooms.person(request.params.personId)).socketsLeave(rooms.team(request.params.id));
        return reply.code(204).send(null);
      },
    });

    api.get('/v1/people', {
      schema: {
        tags: ['organisation'],
        summary: 'People you may contact (residents never see other residents)',
        security: secured,
        querystring: wire.peopleQuery,
        response: { 200: z.object({ people: z.array(wire.person) }), ...errors },
      },
      handler: async (request) => ({ people: await listPeople(api.db, principalOf(request), request.query) }),
    });

    api.get('/v1/people/:id', {
      schema: {
        tags: ['organisation'],
        security: secured,
        params: wire.idParams,
        response: { 200: wire.person, ...errors },
      },
      handler: async (request) => getPerson(api.db, principalOf(request), request.params.id),
    });

    api.post('/v1/invites', {
      schema: {
        tags: ['organisation'],
        summary: 'Invite a person: admins invite anyone, workers invite residents into their team',
        security: secured,
        body: wire.createInviteBody,
        response: { 201: wire.createdInvite, ...errors },
      },
      handler: async (request, reply) =>
        reply
          .code(201)
          .send(
            await createInvite(api.db, principalOf(request), request.body, api.clock(), inviteSettings()),
          ),
    });

    api.get('/v1/invites', {
      schema: {
        tags: ['organisation'],
        security: secured,
        response: { 200: z.object({ invites: z.array(wire.invite) }), ...errors },
      },
      handler: async (request) => ({ invites: await listInvites(api.db, principalOf(request)) }),
    });

    api.delete('/v1/invites/:id', {
      schema: {
        tags: ['organisation'],
        security: secured,
        params: wire.idParams,
        response: { 200: wire.invite, ...errors },
      },
      handler: async (request) => revokeInvite(api.db, principalOf(request), request.params.id, api.clock()),
    });
  });
}
