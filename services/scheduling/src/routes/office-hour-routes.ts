import type { FastifyInstance } from 'fastify';
import { dutyEndpoints, officeHoursEndpoints, queueEndpoints } from '@spreekuur/protocol/scheduling';
import { routeGroup } from '@spreekuur/server';
import type { SchedulingServices } from '../services.ts';

/** Office hours, duty and the live queue. */
export async function officeHourRoutes(
  app: FastifyInstance,
  { officeHours, duty, queue }: SchedulingServices,
) {
  const routes = routeGroup(app);

  const hours = officeHoursEndpoints;
  routes.add(hours.settings, ({ principal }) => officeHours.settings(principal));
  routes.add(hours.changeSettings, ({ principal, body }) => officeHours.setSettings(principal, body));
  routes.add(hours.hours, ({ principal, params }) => officeHours.get(principal, params.teamId));
  routes.add(hours.publishHours, ({ principal, params, body }) =>
    officeHours.setHours(principal, params.teamId, body),
  );
  routes.add(hours.changeQueueSettings, ({ principal, params, body }) =>
    officeHours.setQueueSettings(principal, params.teamId, body),
  );
  routes.add(hours.status, ({ principal, params, query }) =>
    officeHours.status(principal, params.teamId, query.timeZone),
  );

  routes.add(dutyEndpoints.roster, async ({ principal, params, query }) => ({
    shifts: await duty.shifts(principal, params.teamId, query.from, query.to),
  }));
  routes.add(dutyEndpoints.addShift, ({ principal, params, body }) =>
    duty.addShift(principal, params.teamId, body),
  );
  routes.add(dutyEndpoints.removeShift, ({ principal, params }) =>
    duty.removeShift(principal, params.teamId, params.shiftId),
  );
  routes.add(dutyEndpoints.status, ({ principal, params }) => duty.status(principal, params.teamId));
  routes.add(dutyEndpoints.switchDuty, ({ principal, params, body }) =>
    duty.toggle(principal, params.teamId, body.onDuty),
  );
  routes.add(dutyEndpoints.reachability, ({ principal, params, query }) =>
    duty.reachability(principal, params.workerId, query.timeZone),
  );

  routes.add(queueEndpoints.join, ({ principal, params, body }) =>
    queue.join(principal, params.teamId, body),
  );
  routes.add(queueEndpoints.teamQueue, ({ principal, params }) => queue.teamQueue(principal, params.teamId));
  routes.add(queueEndpoints.pick, ({ principal, params, body }) =>
    queue.pick(principal, params.teamId, body.expectedEntryId),
  );
  routes.add(queueEndpoints.ownEntries, async ({ principal }) => ({
    entries: await queue.ownEntries(principal),
  }));
  routes.add(queueEndpoints.leave, ({ principal, params }) => queue.leave(principal, params.entryId));
  routes.add(queueEndpoints.transfer, ({ principal, params, body }) =>
    queue.transfer(principal, params.entryId, body.toWorkerId),
  );
  routes.add(queueEndpoints.hold, ({ principal, params }) => queue.hold(principal, params.entryId));
  routes.add(queueEndpoints.resume, ({ principal, params }) => queue.resume(principal, params.entryId));
  routes.add(queueEndpoints.close, ({ principal, params, body }) =>
    queue.close(principal, params.entryId, body.outcome),
  );
}
