import type { Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type {
  RetentionRunResult,
  RetentionSettings,
  RetentionView,
  TeamRetentionField,
} from '@spreekuur/protocol/privacy';
import { actorOf, recordAudit, requireRole, type Principal } from '@spreekuur/server';
import {
  changedFields,
  effectiveRetention,
  mergeTeamOverrides,
  retentionWords,
} from './domain/retention-policy.ts';
import {
  loadOrgRetention,
  loadTeamOverrides,
  lockOrgRetention,
  organisationIds,
  saveOrgRetention,
  saveTeamOverrides,
  teamExists,
} from './store/retention-store.ts';
import {
  deleteBlobs,
  deleteEndedOfficeHourChannels,
  deleteExpiredHistoryTransfers,
  deleteOldAppointments,
  deleteOldAuditEntries,
  deleteOldFiles,
  deleteOldNotifications,
  deleteOldQueueEntries,
  eraseOldMessages,
  tryRetentionLock,
  type SweepScope,
} from './store/retention-sweep.ts';

/** Rows of one kind erased per transaction: short transactions, no long locks on busy tables. */
const BATCH = 500;
/** Batches per organisation and run; what is left waits for the next run. */
const MAX_BATCHES = 40;

const emptyRun = (): RetentionRunResult => ({
  messages: 0,
  officeHourChannels: 0,
  files: 0,
  queueEntries: 0,
  appointments: 0,
  notifications: 0,
  auditEntries: 0,
  historyTransfers: 0,
});

/** Retention periods (admins set them, everyone reads them in plain words) and the job that applies them. */
export class RetentionService {
  constructor(private readonly deps: { db: Database; clock: () => Date; batchSize?: number }) {}

  private get batch() {
    return this.deps.batchSize ?? BATCH;
  }

  async settingsOf(orgId: string): Promise<RetentionSettings> {
    return effectiveRetention((await loadOrgRetention(this.deps.db, orgId)).settings);
  }

  async view(principal: Principal): Promise<RetentionView> {
    requireRole(principal, 'admin');
    return this.viewOf(principal.orgId);
  }

  private async viewOf(orgId: string): Promise<RetentionView> {
    const stored = await loadOrgRetention(this.deps.db, orgId);
    return {
      organisation: effectiveRetention(stored.settings),
      teams: await loadTeamOverrides(this.deps.db, orgId),
      updatedAt: stored.updatedAt ? stored.updatedAt.toISOString() : null,
    };
  }

  async update(principal: Principal, change: Partial<RetentionSettings>): Promise<RetentionView> {
    requireRole(principal, 'admin');
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      await lockOrgRetention(tx, principal.orgId, now);
      const before = effectiveRetention((await loadOrgRetention(tx, principal.orgId)).settings);
      const after = { ...before, ...change };
      await saveOrgRetention(tx, principal.orgId, after, now);
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'retention.changed',
        subjectType: 'organisation',
        subjectId: principal.orgId,
        details: changedFields(before, after),
      });
    });
    return this.viewOf(principal.orgId);
  }

  async updateTeam(
    principal: Principal,
    teamId: string,
    change: Partial<Record<TeamRetentionField, number | null | undefined>>,
  ): Promise<RetentionView> {
    requireRole(principal, 'admin');
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      if (!(await teamExists(tx, principal.orgId, teamId)))
        throw new AppError('ERR_NOT_FOUND', 'team not found');
      await lockOrgRetention(tx, principal.orgId, now);
      const current = (await loadTeamOverrides(tx, principal.orgId)).find((team) => team.teamId === teamId);
      const merged = mergeTeamOverrides(current?.overrides ?? null, change);
      await saveTeamOverrides(tx, principal.orgId, teamId, merged, now);
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'retention.team_changed',
        subjectType: 'team',
        subjectId: teamId,
        details: merged,
      });
    });
    return this.viewOf(principal.orgId);
  }

  async notice(principal: Principal) {
    const settings = await this.settingsOf(principal.orgId);
    return { settings, ...retentionWords(settings) };
  }

  /** An admin runs the job for their organisation now. */
  async runNow(principal: Principal): Promise<RetentionRunResult> {
    requireRole(principal, 'admin');
    return this.runOrganisation(principal.orgId);
  }

  /** The timer's run: every organisation, one after the other. */
  async runAll(): Promise<RetentionRunResult> {
    const total = emptyRun();
    for (const orgId of await organisationIds(this.deps.db)) {
      const run = await this.runOrganisation(orgId);
      for (const key of Object.keys(total) as Array<keyof RetentionRunResult>) total[key] += run[key];
    }
    return total;
  }

  /**
   * Erases what is past retention in one organisation, in batches of short transactions. Each
   * batch holds the retention advisory lock: while one node runs a batch, another node's run
   * stops and leaves the rest to its next tick. The counts (never what was erased) go into the
   * audit log.
   */
  async runOrganisation(orgId: string): Promise<RetentionRunResult> {
    const settings = await this.settingsOf(orgId);
    const total = emptyRun();
    for (let round = 0; round < MAX_BATCHES; round++) {
      const now = this.deps.clock();
      const scope: SweepScope = { orgId, now, settings, limit: this.batch };
      const batch = await this.deps.db.transaction(async (tx) => {
        if (!(await tryRetentionLock(tx))) return null;
        const messages = await eraseOldMessages(tx, scope);
        const channels = await deleteEndedOfficeHourChannels(tx, scope);
        const files = await deleteOldFiles(tx, scope, messages.fileIds);
        const run: RetentionRunResult = {
          messages: messages.count,
          officeHourChannels: channels.count,
          files: files.length + channels.fileIds.length,
          queueEntries: await deleteOldQueueEntries(tx, scope),
          appointments: await deleteOldAppointments(tx, scope),
          notifications: await deleteOldNotifications(tx, scope),
          auditEntries: await deleteOldAuditEntries(tx, scope),
          historyTransfers: await deleteExpiredHistoryTransfers(tx, scope),
        };
        return { run, blobs: [...files, ...channels.fileIds] };
      });
      if (!batch) break;
      await deleteBlobs(this.deps.db, batch.blobs);
      for (const key of Object.keys(total) as Array<keyof RetentionRunResult>) total[key] += batch.run[key];
      if (Object.values(batch.run).every((count) => count < this.batch)) break;
    }
    if (Object.values(total).some((count) => count > 0)) {
      await recordAudit(this.deps.db, {
        orgId,
        action: 'retention.run',
        subjectType: 'organisation',
        subjectId: orgId,
        details: { ...total },
      });
    }
    return total;
  }
}
