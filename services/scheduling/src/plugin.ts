import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DEFAULT_TIME_ZONE, type Reachability } from '@spreekuur/protocol/scheduling';
import { rooms } from '@spreekuur/server';
import { DAY_MS } from './domain/index.ts';
import { appointmentRoutes } from './routes/appointment-routes.ts';
import { calendarFeedRoute, calendarRoutes } from './routes/calendar-routes.ts';
import { notificationRoutes } from './routes/notification-routes.ts';
import { officeHourRoutes } from './routes/office-hour-routes.ts';
import { createSchedulingServices, type SchedulingServices } from './services.ts';
import { purgeDoneJobs } from './store/job-store.ts';
import { purgeNotifications } from './store/notification-store.ts';
import { purgeEndedEntries } from './store/queue-store.ts';
import { fillMissingToggleEnds } from './store/roster-store.ts';

export interface SchedulingApi {
  readonly services: SchedulingServices;
  /** Runs every job due by the (injected) clock now: reminders, openings and closings. */
  runDueJobs(): Promise<number>;
  /**
   * Whether a worker is reachable now, or from when (their next duty). Other services ask this
   * before notifying a worker, so off-duty workers are not reached.
   */
  reachability(orgId: string, workerId: string, timeZone?: string): Promise<Reachability>;
  /**
   * Purges expired data, gives duty switches made before migration 0005 their end, and makes sure
   * every team's next opening or closing is planned.
   */
  housekeeping(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    scheduling: SchedulingApi;
  }
}

export interface SchedulingPluginOptions {
  /** How often each node looks for due jobs (default 5 s). */
  readonly jobIntervalMs?: number;
}

const HOUSEKEEPING_INTERVAL_MS = 60 * 60 * 1000;
/** Retention: done jobs 30 days, notifications and ended queue conversations 90 days. */
const DONE_JOBS_KEPT_MS = 30 * DAY_MS;
const NOTIFICATIONS_KEPT_MS = 90 * DAY_MS;
const ENDED_ENTRIES_KEPT_MS = 90 * DAY_MS;

/**
 * The scheduling service: office hours (chatspreekuur), duty, the live queue, appointments,
 * reminders and calendar feeds, on the pure rules in `domain/`. Needs the chat service: every
 * office-hour conversation is an end-to-end encrypted chat channel.
 */
export const schedulingService = fp(
  async (app: FastifyInstance, options: SchedulingPluginOptions) => {
    const { realtime } = app;
    const services = createSchedulingServices({
      db: app.db,
      clock: () => app.clock(),
      chat: app.chat,
      realtime,
      log: app.log,
      publicUrl: app.config.PUBLIC_URL,
    });

    const housekeeping = async () => {
      const now = app.clock().getTime();
      await purgeDoneJobs(app.db, new Date(now - DONE_JOBS_KEPT_MS));
      await purgeNotifications(app.db, new Date(now - NOTIFICATIONS_KEPT_MS));
      await purgeEndedEntries(app.db, new Date(now - ENDED_ENTRIES_KEPT_MS));
      await fillMissingToggleEnds(app.db, new Date(now));
      await services.ticks.planAll();
    };
    app.decorate('scheduling', {
      services,
      runDueJobs: () => services.jobs.runDue(),
      reachability: (orgId: string, workerId: string, timeZone = DEFAULT_TIME_ZONE) =>
        services.duty.workerReachability(orgId, workerId, timeZone),
      housekeeping,
    } satisfies SchedulingApi);

    // ---- socket.io --------------------------------------------------------------------------
    realtime.handle('scheduling:queue:watch', async ({ teamId }, { principal, socket }) => {
      const queue = await services.queue.teamQueue(principal, teamId);
      await socket.join(rooms.team(teamId));
      return queue;
    });
    realtime.handle('scheduling:queue:unwatch', async ({ teamId }, { socket }) => {
      await socket.leave(rooms.team(teamId));
      return {};
    });

    // ---- REST -------------------------------------------------------------------------------
    // Each route authenticates as its endpoint declares (routeGroup); the calendar feed is public.
    app.register(async (scope) => {
      await officeHourRoutes(scope, services);
      await appointmentRoutes(scope, services);
      await calendarRoutes(scope, services);
      await notificationRoutes(scope, services);
      await calendarFeedRoute(scope, services);
    });

    // ---- Jobs -------------------------------------------------------------------------------
    let housekeeper: NodeJS.Timeout | null = null;
    app.addHook('onReady', async () => {
      await housekeeping();
      services.jobs.start(options.jobIntervalMs ?? 5_000);
      housekeeper = setInterval(() => {
        housekeeping().catch((error: unknown) =>
          app.log.warn({ err: error }, 'scheduling housekeeping failed'),
        );
      }, HOUSEKEEPING_INTERVAL_MS);
      housekeeper.unref();
    });
    app.addHook('onClose', async () => {
      if (housekeeper) clearInterval(housekeeper);
      await services.jobs.stop();
    });
  },
  {
    name: 'spreekuur-scheduling',
    dependencies: ['spreekuur-chat', 'spreekuur-realtime', 'spreekuur-authentication'],
  },
);
