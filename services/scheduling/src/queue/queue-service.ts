import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { ChatApi } from '@spreekuur/chat';
import { isUniqueViolation, type Database, type Queryable } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import {
  DEFAULT_TIME_ZONE,
  type CloseOutcome,
  type QueueConversation,
  type ResidentQueueEntry,
  type TeamQueue,
  type WhenClosedChoice,
} from '@spreekuur/protocol/scheduling';
import { recordAudit, requireRole, rooms, type Principal, type Realtime } from '@spreekuur/server';
import {
  requireTeamMember,
  requireTeamProfessional,
  requireTeamStaff,
  teamProfessionalIds,
  type TeamRef,
} from '../access.ts';
import {
  applyQueueCommand,
  nextOpening,
  queuePhase,
  toUtcIso,
  workersOnDuty,
  type QueueCommand,
  type QueueEvent,
} from '../domain/index.ts';
import { orThrow } from '../failures.ts';
import { Outbox, type Notifier } from '../notifications/notifier.ts';
import {
  addStaffToWaiting,
  entriesByIds,
  findEntry,
  hasLiveEntry,
  liveEntriesOfResident,
  persistTransition,
  type EntryRow,
  type JoinDetails,
  type MembershipChange,
} from '../store/queue-store.ts';
import { applyMembershipChanges } from './membership.ts';
import {
  conversationOf,
  loadSnapshot,
  lockSnapshot,
  residentEntriesOf,
  teamQueueOf,
  type QueueSnapshot,
} from './snapshot.ts';

export interface QueueServiceDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly chat: ChatApi;
  readonly realtime: Realtime;
  readonly notifier: Notifier;
  readonly log: FastifyBaseLogger;
}

/** The result of one queue command, after commit. */
export interface AppliedCommand {
  readonly events: readonly QueueEvent[];
  /** The team's queue right after the command (what was pushed to watchers). */
  readonly snapshot: QueueSnapshot;
}

interface RunOptions {
  readonly join?: JoinDetails;
  /** Who caused it (audit trail, channel membership events); null for the system (jobs). */
  readonly actor: Principal | null;
}

/**
 * The live queue at the edge: parse → domain → persist → emit. Every command runs in one
 * transaction holding the team's queue row lock, and reads the clock once it holds it, so commands
 * on one team apply one at a time in commit order: joins get their places first come first served
 * and a conversation is assigned at most once, on every node. Channel membership changes commit in
 * that same transaction; after commit: membership events to devices, pushes to watchers and
 * residents, notifications.
 */
export class QueueService {
  constructor(private readonly deps: QueueServiceDeps) {}

  // ---- Residents ---------------------------------------------------------------------------

  async join(
    principal: Principal,
    teamId: string,
    body: { whenClosed: WhenClosedChoice; timeZone?: string | undefined },
  ): Promise<ResidentQueueEntry> {
    const { db, clock, chat } = this.deps;
    const team = await requireTeamMember(db, principal, teamId);
    requireRole(principal, 'resident');
    const now = clock();
    const snapshot = await loadSnapshot(db, team.orgId, team.id, now);
    // Cheap checks first, so a refused join does not open a channel. The command decides again
    // under the team's lock, at the time it runs.
    if (!snapshot.schedule.published) throw new AppError('ERR_SCHED_CLOSED', 'the team has no office hours');
    if (await hasLiveEntry(db, team.id, principal.personId)) throw new AppError('ERR_SCHED_ALREADY_QUEUED');
    const phase = queuePhase(snapshot.schedule.hours, snapshot.schedule.settings, now);
    if (phase.mode !== 'open' && body.whenClosed === 'reject') {
      // Tell the resident when to come back (or to leave a question for then).
      const opensAt = nextOpening(snapshot.schedule.hours, now);
      throw new AppError('ERR_SCHED_CLOSED', 'closed', {
        details: { opensAt: opensAt ? toUtcIso(opensAt) : null },
      });
    }

    const readerIds = await this.readersAtJoin(db, team, snapshot);
    const channelId = await chat.channels.openOfficeHour({
      orgId: team.orgId,
      residentId: principal.personId,
      workerIds: readerIds,
      name: `Chatspreekuur ${team.name}`.slice(0, 200),
    });
    const entryId = randomUUID();
    try {
      await this.run(
        team,
        {
          type: 'join',
          entryId,
          residentId: principal.personId,
          whenClosed: body.whenClosed,
        },
        {
          actor: principal,
          join: { entryId, channelId, timeZone: body.timeZone ?? DEFAULT_TIME_ZONE, readerIds },
        },
      );
    } catch (error) {
      // Refused after all (a second join raced this one): the workers leave the unused channel.
      for (const workerId of readerIds) {
        await chat.channels
          .setMembership(
            { orgId: team.orgId, channelId },
            { personId: workerId, member: false, byPersonId: principal.personId },
          )
          .catch((cleanup: unknown) =>
            this.deps.log.error(
              { err: cleanup, channel: channelId },
              'leaving an unused office-hour channel failed',
            ),
          );
      }
      if (isUniqueViolation(error, 'queue_entries_live_resident_key'))
        throw new AppError('ERR_SCHED_ALREADY_QUEUED');
      throw error;
    }
    return (await this.entryViews(team.orgId, team.id, [entryId]))[0]!;
  }

  /** The resident leaves the queue, or ends an active conversation. */
  async leave(principal: Principal, entryId: string): Promise<void> {
    const entry = await findEntry(this.deps.db, principal.orgId, entryId);
    if (entry.resident_id !== principal.personId) throw new AppError('ERR_SCHED_QUEUE_ENTRY_NOT_FOUND');
    const team = await requireTeamMember(this.deps.db, principal, entry.team_id);
    await this.run(team, { type: 'leave', entryId }, { actor: principal });
  }

  /** The caller's own live conversations in every team. */
  async ownEntries(principal: Principal): Promise<ResidentQueueEntry[]> {
    const { db, clock } = this.deps;
    const rows = await liveEntriesOfResident(db, principal.orgId, principal.personId);
    const byTeam = new Map<string, EntryRow[]>();
    for (const row of rows) byTeam.set(row.team_id, [...(byTeam.get(row.team_id) ?? []), row]);
    const result: ResidentQueueEntry[] = [];
    for (const [teamId, teamRows] of byTeam) {
      const snapshot = await loadSnapshot(db, principal.orgId, teamId, clock());
      result.push(...(await residentEntriesOf(db, snapshot, teamRows)));
    }
    return result;
  }

  // ---- Workers -----------------------------------------------------------------------------

  async pick(principal: Principal, teamId: string, expectedEntryId?: string): Promise<QueueConversation> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    const applied = await this.run(
      team,
      {
        type: 'pick',
        workerId: principal.personId,
        ...(expectedEntryId === undefined ? {} : { expectedEntryId }),
      },
      { actor: principal },
    );
    const picked = applied.events.find(
      (event) => event.type === 'assigned' && event.by === 'pick' && event.workerId === principal.personId,
    );
    return this.conversation(picked!.entryId);
  }

  async transfer(principal: Principal, entryId: string, toWorkerId: string): Promise<QueueConversation> {
    const { team } = await this.workerEntry(principal, entryId);
    await requireTeamProfessional(this.deps.db, team, toWorkerId);
    await this.run(
      team,
      { type: 'transfer', entryId, fromWorkerId: principal.personId, toWorkerId },
      { actor: principal },
    );
    return this.conversation(entryId);
  }

  async hold(principal: Principal, entryId: string): Promise<QueueConversation> {
    const { team } = await this.workerEntry(principal, entryId);
    await this.run(team, { type: 'hold', entryId, workerId: principal.personId }, { actor: principal });
    return this.conversation(entryId);
  }

  async resume(principal: Principal, entryId: string): Promise<QueueConversation> {
    const { team } = await this.workerEntry(principal, entryId);
    await this.run(team, { type: 'resume', entryId, workerId: principal.personId }, { actor: principal });
    return this.conversation(entryId);
  }

  async close(principal: Principal, entryId: string, outcome: CloseOutcome): Promise<QueueConversation> {
    const { team } = await this.workerEntry(principal, entryId);
    await this.run(
      team,
      { type: 'close', entryId, workerId: principal.personId, outcome },
      { actor: principal },
    );
    return this.conversation(entryId);
  }

  async teamQueue(principal: Principal, teamId: string): Promise<TeamQueue> {
    const team = await requireTeamStaff(this.deps.db, principal, teamId);
    const snapshot = await loadSnapshot(this.deps.db, team.orgId, team.id, this.deps.clock());
    return teamQueueOf(this.deps.db, snapshot);
  }

  /**
   * Re-evaluates the team's queue now: workers who came on duty join waiting conversations, and
   * with auto-assignment the longest-waiting residents go to free workers. Run at openings and
   * closings and whenever staff changes; pushes the queue (the phase may have changed) either way.
   */
  async refresh(team: TeamRef, actor: Principal | null = null): Promise<AppliedCommand> {
    return this.run(team, { type: 'assign_waiting' }, { actor });
  }

  // ---- The one path every command takes ------------------------------------------------------

  private async run(team: TeamRef, command: QueueCommand, options: RunOptions): Promise<AppliedCommand> {
    const { db, clock } = this.deps;
    const outbox = new Outbox();
    const byPersonId = options.actor?.personId ?? null;
    const { events, publications } = await db.transaction(async (tx) => {
      // The clock is read once the team's lock is held (waiting for it may cross an opening or closing).
      const snapshot = await lockSnapshot(tx, team.orgId, team.id, clock);
      const { now } = snapshot;
      const transition = orThrow(applyQueueCommand(snapshot.state, command, snapshot.context, now));
      const changes: MembershipChange[] = [];
      if (transition.events.length > 0) {
        changes.push(
          ...(await persistTransition(tx, {
            orgId: team.orgId,
            teamId: team.id,
            before: snapshot.live,
            after: transition.state,
            events: transition.events,
            join: options.join,
            byPersonId,
            now,
          })),
        );
      }
      changes.push(...(await addStaffToWaiting(tx, team.orgId, team.id, snapshot.staff)));
      for (const event of transition.events) {
        await this.record(tx, team, event, options.actor, outbox, now);
      }
      return {
        events: transition.events,
        publications: await applyMembershipChanges(tx, this.deps.chat, changes),
      };
    });

    await this.deps.chat.channels.publish(publications);
    const snapshot = await this.publish(team, events);
    await this.deps.notifier.push(outbox);
    return { events, snapshot };
  }

  /** Audit trail (ids only) and notifications for one queue event. */
  private async record(
    tx: Queryable,
    team: TeamRef,
    event: QueueEvent,
    actor: Principal | null,
    outbox: Outbox,
    now: Date,
  ): Promise<void> {
    const details: Record<string, string | number | boolean | null> = { teamId: team.id };
    if ('workerId' in event) details.workerId = event.workerId;
    if (event.type === 'transferred') details.toWorkerId = event.toWorkerId;
    if (event.type === 'closed') details.outcome = event.outcome;
    if (event.type === 'assigned') details.by = event.by;
    await recordAudit(tx, {
      orgId: team.orgId,
      actorPersonId: actor?.personId ?? null,
      actorDeviceId: actor?.deviceId ?? null,
      action: `office_hour.${event.type}`,
      subjectType: 'queue_entry',
      subjectId: event.entryId,
      details,
    });
    if (event.type !== 'assigned' && event.type !== 'transferred') return;
    const { rows } = await tx.query<{ channel_id: string }>(
      'SELECT channel_id FROM queue_entries WHERE id = $1',
      [event.entryId],
    );
    const data = { entryId: event.entryId, teamId: team.id, channelId: rows[0]!.channel_id };
    if (event.type === 'assigned') {
      await outbox.notify(
        tx,
        { orgId: team.orgId, personId: event.residentId, kind: 'conversation_assigned', data },
        'resident',
        now,
      );
    }
    // A worker learns of conversations they did not pick themselves.
    const worker =
      event.type === 'assigned' ? (event.by === 'auto' ? event.workerId : null) : event.toWorkerId;
    if (worker !== null) {
      await outbox.notify(
        tx,
        { orgId: team.orgId, personId: worker, kind: 'conversation_assigned', data },
        'worker',
        now,
      );
    }
  }

  /** Pushes the queue to the team's watchers and each affected resident their own entry. */
  private async publish(team: TeamRef, events: readonly QueueEvent[]): Promise<QueueSnapshot> {
    const { db, clock, realtime } = this.deps;
    const snapshot = await loadSnapshot(db, team.orgId, team.id, clock());
    try {
      realtime.io.to(rooms.team(team.id)).emit('scheduling:queue', await teamQueueOf(db, snapshot));
      const ended = events
        .filter((event) => event.type === 'closed' || event.type === 'left')
        .map((event) => event.entryId);
      const rows: EntryRow[] = [...snapshot.live, ...(await entriesByIds(db, ended))];
      for (const entry of await residentEntriesOf(db, snapshot, rows)) {
        const residentId = rows.find((row) => row.id === entry.entryId)!.resident_id;
        realtime.io.to(rooms.person(residentId)).emit('scheduling:queue:entry', entry);
      }
    } catch (error) {
      // Pushes are a courtesy: clients fetch the queue again when they reconnect.
      this.deps.log.warn({ err: error, team: team.id }, 'queue push failed');
    }
    return snapshot;
  }

  // ---- Helpers -----------------------------------------------------------------------------

  /**
   * Who can read a new conversation from its first message. End-to-end encryption means only
   * members at the time a message is sent can read it, so the readers must be chosen now:
   * the workers taking conversations; if there are none (a question left while closed), those
   * rostered for the next opening; failing that, every worker of the team.
   */
  private async readersAtJoin(db: Queryable, team: TeamRef, snapshot: QueueSnapshot): Promise<string[]> {
    if (snapshot.staff.length > 0) return snapshot.staff;
    const opening = nextOpening(snapshot.schedule.hours, snapshot.now);
    if (opening !== null && opening > snapshot.now) {
      const rostered = workersOnDuty(snapshot.roster, opening);
      if (rostered.length > 0) return rostered;
    }
    return teamProfessionalIds(db, team.id);
  }

  private async workerEntry(
    principal: Principal,
    entryId: string,
  ): Promise<{ team: TeamRef; entry: EntryRow }> {
    const entry = await findEntry(this.deps.db, principal.orgId, entryId);
    const team = await requireTeamStaff(this.deps.db, principal, entry.team_id);
    return { team, entry };
  }

  private async conversation(entryId: string): Promise<QueueConversation> {
    const [row] = await entriesByIds(this.deps.db, [entryId]);
    return conversationOf(row!);
  }

  private async entryViews(orgId: string, teamId: string, entryIds: string[]): Promise<ResidentQueueEntry[]> {
    const snapshot = await loadSnapshot(this.deps.db, orgId, teamId, this.deps.clock());
    return residentEntriesOf(this.deps.db, snapshot, await entriesByIds(this.deps.db, entryIds));
  }
}
