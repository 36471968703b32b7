import type { Database } from '@spreekuur/db';
import { AppError } from '@spreekuur/protocol/errors';
import type { ErasureResult, PersonExport } from '@spreekuur/protocol/privacy';
import { actorOf, recordAudit, requireRole, type Principal, type Realtime } from '@spreekuur/server';
import type { AuditService } from './audit-service.ts';
import { mayActOn, mayErase, type Decision } from './domain/privacy-access.ts';
import { deleteBlobs } from './store/retention-sweep.ts';
import { deviceIdsOf, erasePerson } from './store/erasure-store.ts';
import { collectPersonData } from './store/export-store.ts';
import { loadTarget, otherAdmins } from './store/person-store.ts';

const EXPORT_NOTE = {
  nl:
    'Dit is alles wat de server over u bewaart. De inhoud van uw berichten en bestanden staat er niet in: ' +
    'de server heeft die alleen versleuteld en kan ze niet lezen. Uw app voegt uw eigen berichten toe vanaf uw apparaat.',
  en:
    'This is everything the server keeps about you. The content of your messages and files is not in it: ' +
    'the server only ever held it encrypted and cannot read it. Your app adds your own messages from your device.',
};

function refuse(decision: Decision): void {
  if (decision === 'not_found') throw new AppError('ERR_NOT_FOUND', 'person not found');
  if (decision === 'forbidden') throw new AppError('ERR_FORBIDDEN');
  if (decision === 'last_admin') throw new AppError('ERR_PRIVACY_LAST_ADMIN');
}

/** A person's rights over their data: export (AVG art. 15/20) and erasure (art. 17). */
export class PersonDataService {
  constructor(
    private readonly deps: { db: Database; clock: () => Date; realtime: Realtime; audit: AuditService },
  ) {}

  /** Admins export or erase someone else through `/v1/people/:id/…`; people themselves through `/v1/me/…`. */
  async exportFor(principal: Principal, personId: string): Promise<PersonExport> {
    requireRole(principal, 'admin');
    return this.export(principal, personId);
  }

  async export(principal: Principal, personId: string): Promise<PersonExport> {
    const { db } = this.deps;
    refuse(mayActOn(principal, await loadTarget(db, principal.orgId, personId)));
    const now = this.deps.clock();
    await recordAudit(db, {
      ...actorOf(principal),
      action: 'privacy.exported',
      subjectType: 'person',
      subjectId: personId,
    });
    return {
      format: 'spreekuur.person-export.v1',
      exportedAt: now.toISOString(),
      note: EXPORT_NOTE,
      ...(await collectPersonData(db, principal.orgId, personId)),
      audit: await this.deps.audit.about(principal.orgId, personId),
    };
  }

  async eraseFor(principal: Principal, personId: string): Promise<ErasureResult> {
    requireRole(principal, 'admin');
    return this.erase(principal, personId);
  }

  /**
   * Erases a person in one transaction (store/erasure-store.ts says what goes and what stays),
   * then deletes their files' bytes and closes their sockets on every node.
   */
  async erase(principal: Principal, personId: string): Promise<ErasureResult> {
    const { db } = this.deps;
    const now = this.deps.clock();
    const self = personId === principal.personId;
    const erased = await db.transaction(async (tx) => {
      const target = await loadTarget(tx, principal.orgId, personId, true);
      refuse(mayErase(principal, target, await otherAdmins(tx, principal.orgId, personId)));
      const deviceIds = await deviceIdsOf(tx, personId);
      const result = await erasePerson(tx, { orgId: principal.orgId, personId }, deviceIds, now);
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        // A person erasing themselves: their device is gone, and so is its id.
        actorDeviceId: self ? null : principal.deviceId,
        action: 'person.erased',
        subjectType: 'person',
        subjectId: personId,
        details: { ...result.counts },
      });
      return { ...result, deviceIds };
    });
    await deleteBlobs(db, erased.fileIds);
    for (const deviceId of erased.deviceIds)
      await this.deps.realtime.disconnectDevice(deviceId, 'device_revoked');
    return { personId, erasedAt: now.toISOString(), ...erased.counts };
  }
}
