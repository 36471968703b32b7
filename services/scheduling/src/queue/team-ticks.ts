import { z } from 'zod';
import type { Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import { findTeam } from '../access.ts';
import { closingNotices, isOpenAt, nextQueueReview, toUtcIso, waitingEntries } from '../domain/index.ts';
import { Outbox, type Notifier } from '../notifications/notifier.ts';
import { planJob, type Job } from '../store/job-store.ts';
import { loadRoster } from '../store/roster-store.ts';
import { loadTeamSchedule, publishedTeams } from '../store/team-store.ts';
import type { QueueService } from './queue-service.ts';

/** Stored JSON of a team tick. */
const teamTickPayload = z.strictObject({ teamId: z.uuid(), at: z.iso.datetime() });

export interface TeamTicksDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly queue: QueueService;
  readonly notifier: Notifier;
}

/**
 * The queue's own clock: a job at every instant the team opens or closes or a shift starts or
 * ends (`nextQueueReview`). Each tick re-evaluates the queue (new staff join waiting conversations;
 * auto-assignment), tells residents what the opening or closing means for them, pushes the new
 * phase to everyone watching, and plans the next tick. Ticks are jobs in PostgreSQL, keyed by
 * team and instant, so planning twice is harmless and a restart loses none.
 */
export class TeamTicks {
  constructor(private readonly deps: TeamTicksDeps) {}

  /** Plans the team's next tick (nothing for a team without published hours). */
  async plan(orgId: string, teamId: string): Promise<Date | null> {
    const { db, clock } = this.deps;
    const now = clock();
    const schedule = await loadTeamSchedule(db, orgId, teamId);
    if (!schedule.published) return null;
    const next = nextQueueReview(await loadRoster(db, teamId, schedule.hours, now), now);
    if (next === null) return null;
    await planJob(db, {
      orgId,
      key: `team_tick:${teamId}:${toUtcIso(next)}`,
      kind: 'team_tick',
      dueAt: next,
      payload: { teamId, at: toUtcIso(next) },
    });
    return next;
  }

  /** Makes sure every team with hours has its next tick planned (at start-up and now and then). */
  async planAll(): Promise<void> {
    for (const { orgId, teamId } of await publishedTeams(this.deps.db)) await this.plan(orgId, teamId);
  }

  async run(job: Job): Promise<void> {
    const { db, clock, queue, notifier } = this.deps;
    const payload = teamTickPayload.parse(job.payload);
    const at = new Date(payload.at);
    let team;
    try {
      team = await findTeam(db, job.orgId, payload.teamId);
    } catch (error) {
      if (error instanceof AppError) return; // the team is gone
      throw error;
    }
    const { snapshot } = await queue.refresh(team);
    const { hours } = snapshot.schedule;
    const justBefore = new Date(at.getTime() - 1);
    const opened = !isOpenAt(hours, justBefore) && isOpenAt(hours, at);
    const closed = isOpenAt(hours, justBefore) && !isOpenAt(hours, at);
    const outbox = new Outbox();
    const now = clock();
    await db.transaction(async (tx) => {
      if (closed) {
        for (const notice of closingNotices(snapshot.state, snapshot.context, now)) {
          const base = {
            orgId: team.orgId,
            personId: notice.residentId,
            dedupeKey: `closing:${notice.entryId}:${payload.at}`,
          };
          const data = { entryId: notice.entryId, teamId: team.id };
          await outbox.notify(
            tx,
            notice.kind === 'kept_for_next_opening'
              ? {
                  ...base,
                  kind: 'queue_kept_for_next_opening',
                  data: { ...data, opensAt: notice.opensAt === null ? null : toUtcIso(notice.opensAt) },
                }
              : { ...base, kind: 'queue_being_finished', data },
            'resident',
            now,
          );
        }
      }
      if (opened) {
        for (const entry of waitingEntries(snapshot.state)) {
          // Questions left while closed, and residents kept in line from an earlier opening.
          if (entry.joinedAt >= at) continue;
          await outbox.notify(
            tx,
            {
              orgId: team.orgId,
              personId: entry.residentId,
              kind: 'question_in_queue',
              data: { entryId: entry.id, teamId: team.id },
              dedupeKey: `opening:${entry.id}:${payload.at}`,
            },
            'resident',
            now,
          );
        }
      }
    });
    await notifier.push(outbox);
    await this.plan(team.orgId, team.id);
  }
}
