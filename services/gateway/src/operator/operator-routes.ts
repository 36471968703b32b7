import type { FastifyInstance } from 'fastify';
import { AppError } from '@spreekuur/protocol/errors';
import { operatorEndpoints as endpoints } from '@spreekuur/protocol/identity';
import { routeGroup } from '@spreekuur/server';
import type { OrganisationService } from '../identity/organisation-service.ts';
import { operatorTokenMatches } from './operator-token.ts';

/** Deployment-wide actions for the operator (the admin CLI uses these). */
export async function operatorRoutes(
  app: FastifyInstance,
  options: { operatorToken: string; organisations: OrganisationService },
) {
  const { organisations } = options;
  const routes = routeGroup(app, {
    guards: {
      operator: async (request) => {
        const given = request.headers['x-operator-token'];
        if (!operatorTokenMatches(options.operatorToken, typeof given === 'string' ? given : undefined)) {
          throw new AppError('ERR_OPERATOR_TOKEN_INVALID');
        }
      },
    },
  });
  // Counted per address before the token check, so wrong guesses use up the allowance.
  const perAddress = { rateLimit: { max: 30, timeWindow: '1 minute' } };

  routes.add(endpoints.createOrganisation, ({ body }) => organisations.create(body), perAddress);
  routes.add(
    endpoints.listOrganisations,
    async () => ({ organisations: await organisations.list() }),
    perAddress,
  );
  routes.add(
    endpoints.createAdminInvite,
    ({ params }) => organisations.createAdminInvite(params.id),
    perAddress,
  );
}
