import type { Database } from '@spreekuur/db';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { KeyBackup } from '@spreekuur/protocol/privacy';
import { actorOf, recordAudit, type Principal } from '@spreekuur/server';
import { deleteBackup, loadBackup, saveBackup } from './store/backup-store.ts';

/**
 * Encrypted key backups: the device seals them under the person's recovery key
 * (packages/client/src/backup); the server keeps the opaque bytes and who touched them when.
 */
export class KeyBackupService {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  async put(principal: Principal, ciphertext: string): Promise<{ size: number; updatedAt: string }> {
    const bytes = fromBase64Url(ciphertext);
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      await saveBackup(tx, { orgId: principal.orgId, personId: principal.personId, ciphertext: bytes, now });
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'key_backup.stored',
        subjectType: 'person',
        subjectId: principal.personId,
        details: { size: bytes.length },
      });
    });
    return { size: bytes.length, updatedAt: now.toISOString() };
  }

  async get(principal: Principal): Promise<KeyBackup> {
    const backup = await loadBackup(this.deps.db, principal.orgId, principal.personId);
    if (!backup) throw new AppError('ERR_PRIVACY_BACKUP_NOT_FOUND');
    // A fetched backup may mean a new phone, or someone else with this person's device: they can see it.
    await recordAudit(this.deps.db, {
      ...actorOf(principal),
      action: 'key_backup.fetched',
      subjectType: 'person',
      subjectId: principal.personId,
    });
    return {
      ciphertext: toBase64Url(backup.ciphertext),
      size: backup.ciphertext.length,
      updatedAt: backup.updatedAt.toISOString(),
    };
  }

  async delete(principal: Principal): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      if (!(await deleteBackup(tx, principal.orgId, principal.personId)))
        throw new AppError('ERR_PRIVACY_BACKUP_NOT_FOUND');
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'key_backup.deleted',
        subjectType: 'person',
        subjectId: principal.personId,
      });
    });
  }
}
