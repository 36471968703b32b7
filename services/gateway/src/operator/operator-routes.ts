import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { snapshotEmbedded } from '@spreekuur/db';
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
  // The embedded database locks DATA_DIR while the server runs, so its online backup comes
  // from the server itself: one consistent dump, streamed as the backup file.
  routes.add(
    endpoints.backup,
    async ({ request, reply }) => {
      if (app.db.kind !== 'embedded')
        throw new AppError('ERR_CONFLICT', 'the database is PostgreSQL: back it up with pg_dump');
      const { manifest, chunks } = await snapshotEmbedded(app.db, app.config.DATA_DIR);
      request.log.info(
        { databaseBytes: manifest.databaseBytes, files: manifest.files },
        'online backup of the embedded database',
      );
      return reply
        .code(200)
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="spreekuur-${manifest.createdAt.slice(0, 10)}.tar"`)
        .send(Readable.from(chunks));
    },
    perAddress,
  );
}
