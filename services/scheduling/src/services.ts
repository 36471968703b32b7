import type { FastifyBaseLogger } from 'fastify';
import type { ChatApi } from '@spreekuur/chat';
import type { Database } from '@spreekuur/db';
import type { Realtime } from '@spreekuur/server';
import { AppointmentService } from './appointments/appointment-service.ts';
import { runReminderJob } from './appointments/reminder-job.ts';
import { CalendarService } from './calendar/calendar-service.ts';
import { DutyService } from './duty/duty-service.ts';
import { reachabilityOf } from './duty/reachability.ts';
import { JobRunner } from './jobs/job-runner.ts';
import { NotificationService } from './notifications/notification-service.ts';
import { Notifier } from './notifications/notifier.ts';
import { OfficeHoursService } from './office-hours/office-hours-service.ts';
import { QueueService } from './queue/queue-service.ts';
import { TeamTicks } from './queue/team-ticks.ts';

export interface SchedulingDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly chat: ChatApi;
  readonly realtime: Realtime;
  readonly log: FastifyBaseLogger;
  readonly publicUrl: string;
}

export interface SchedulingServices {
  readonly officeHours: OfficeHoursService;
  readonly duty: DutyService;
  readonly queue: QueueService;
  readonly ticks: TeamTicks;
  readonly appointments: AppointmentService;
  readonly calendar: CalendarService;
  readonly notifications: NotificationService;
  readonly jobs: JobRunner;
}

/** Wires the scheduling services together (no I/O happens here). */
export function createSchedulingServices(deps: SchedulingDeps): SchedulingServices {
  const { db, clock, chat, realtime, log } = deps;
  // Workers are pushed to only while reachable (on duty in a team with office hours).
  const notifier = new Notifier(
    realtime,
    async (orgId, personId) => (await reachabilityOf(db, orgId, personId, clock(), 'UTC')).reachable,
    log,
  );
  const queue = new QueueService({ db, clock, chat, realtime, notifier, log });
  const ticks = new TeamTicks({ db, clock, queue, notifier });
  const duty = new DutyService({ db, clock, queue, ticks });
  const officeHours = new OfficeHoursService({ db, clock, queue, ticks });
  const appointments = new AppointmentService({ db, clock, notifier });
  const calendar = new CalendarService({ db, clock, publicUrl: deps.publicUrl, appointments });
  const notifications = new NotificationService(db, clock);
  const jobs = new JobRunner(
    db,
    clock,
    {
      reminder: (job) => runReminderJob({ db, clock, notifier }, job),
      team_tick: (job) => ticks.run(job),
    },
    log,
  );
  return { officeHours, duty, queue, ticks, appointments, calendar, notifications, jobs };
}
