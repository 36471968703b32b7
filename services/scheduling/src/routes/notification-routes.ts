import type { FastifyInstance } from 'fastify';
import { notificationEndpoints as endpoints } from '@spreekuur/protocol/scheduling';
import { routeGroup } from '@spreekuur/server';
import type { SchedulingServices } from '../services.ts';

/** A person's own in-app notifications. */
export async function notificationRoutes(app: FastifyInstance, { notifications }: SchedulingServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.list, async ({ principal, query }) => ({
    notifications: await notifications.list(principal, query.unread === 'true'),
  }));
  routes.add(endpoints.markRead, ({ principal, body }) => notifications.markRead(principal, body.ids));
}
