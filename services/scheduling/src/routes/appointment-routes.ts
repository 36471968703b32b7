import type { FastifyInstance } from 'fastify';
import { appointmentEndpoints as endpoints } from '@spreekuur/protocol/scheduling';
import { routeGroup } from '@spreekuur/server';
import type { SchedulingServices } from '../services.ts';

/** Appointment types, availability, slots and bookings. */
export async function appointmentRoutes(app: FastifyInstance, { appointments }: SchedulingServices) {
  const routes = routeGroup(app);
  routes.add(endpoints.listTypes, ({ principal, params }) =>
    appointments.listTypes(principal, params.teamId),
  );
  routes.add(endpoints.createType, ({ principal, params, body }) =>
    appointments.createType(principal, params.teamId, body),
  );
  routes.add(endpoints.updateType, ({ principal, params, body }) =>
    appointments.updateType(principal, params.id, body),
  );
  routes.add(endpoints.archiveType, ({ principal, params }) =>
    appointments.archiveType(principal, params.id),
  );
  routes.add(endpoints.availability, ({ principal, params }) =>
    appointments.availability(principal, params.workerId),
  );
  routes.add(endpoints.publishAvailability, ({ principal, params, body }) =>
    appointments.setAvailability(principal, params.workerId, body),
  );
  routes.add(endpoints.slots, ({ principal, query }) => appointments.slots(principal, query));
  routes.add(endpoints.book, ({ principal, body }) => appointments.book(principal, body));
  routes.add(endpoints.list, async ({ principal, query }) => ({
    appointments: await appointments.list(principal, query),
  }));
  routes.add(endpoints.get, ({ principal, params }) => appointments.view(principal, params.id));
  routes.add(endpoints.reschedule, ({ principal, params, body }) =>
    appointments.reschedule(principal, params.id, body.start),
  );
  routes.add(endpoints.cancel, ({ principal, params }) => appointments.cancel(principal, params.id));
}
