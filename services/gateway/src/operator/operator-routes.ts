import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, errorBodySchema } from '@spreekuur/protocol/errors';
import * as wire from '@spreekuur/protocol/identity';
import {
  createOrganisation,
  createOrganisationAdminInvite,
  listOrganisations,
} from '../identity/organisations.ts';
import { operatorTokenMatches } from './operator-token.ts';

const errors = { '4xx': errorBodySchema, '5xx': errorBodySchema };

/** Deployment-wide actions for the operator (the admin CLI uses these). */
export async function operatorRoutes(fastify: FastifyInstance, options: { operatorToken: string }) {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const inviteSettings = () => ({
    publicUrl: app.config.PUBLIC_URL,
    defaultTtlDays: app.config.INVITE_TTL_DAYS,
  });

  // preHandler, not onRequest: the per-route rate limit runs on onRequest and must count
  // wrong guesses of the operator token before this check refuses them.
  app.addHook('preHandler', async (request) => {
    const given = request.headers['x-operator-token'];
    if (!operatorTokenMatches(options.operatorToken, typeof given === 'string' ? given : undefined)) {
      throw new AppError('ERR_OPERATOR_TOKEN_INVALID');
    }
  });

  const config = { rateLimit: { max: 30, timeWindow: '1 minute' } };
  const security = [{ operator: [] }];

  app.post('/v1/operator/organisations', {
    config,
    schema: {
      tags: ['operator'],
      summary: 'Create an organisation and the invite for its first admin',
      security,
      body: wire.createOrganisationBody,
      response: { 201: wire.createOrganisationResult, ...errors },
    },
    handler: async (request, reply) =>
      reply.code(201).send(await createOrganisation(app.db, request.body, app.clock(), inviteSettings())),
  });

  app.get('/v1/operator/organisations', {
    config,
    schema: {
      tags: ['operator'],
      security,
      response: { 200: z.object({ organisations: z.array(wire.organisation) }), ...errors },
    },
    handler: async () => ({ organisations: await listOrganisations(app.db) }),
  });

  app.post('/v1/operator/organisations/:id/admin-invites', {
    config,
    schema: {
      tags: ['operator'],
      security,
      params: wire.idParams,
      response: { 201: wire.createdInvite, ...errors },
    },
    handler: async (request, reply) =>
      reply
        .code(201)
        .send(await createOrganisationAdminInvite(app.db, request.params.id, app.clock(), inviteSettings())),
  });
}
