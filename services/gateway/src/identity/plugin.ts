import type { FastifyInstance } from 'fastify';
import { accountRoutes } from './routes/account-routes.ts';
import { authRoutes } from './routes/auth-routes.ts';
import { organisationRoutes } from './routes/organisation-routes.ts';
import type { IdentityServices } from './services.ts';

/** Registration, login, and everything a person does with their account and organisation. */
export async function identityRoutes(app: FastifyInstance, options: { services: IdentityServices }) {
  await authRoutes(app, options.services);
  await accountRoutes(app, options.services);
  await organisationRoutes(app, options.services);
}
