import type { Database } from '@spreekuur/db';
import type { Realtime } from '@spreekuur/server';
import { AuditService } from './audit-service.ts';
import { HistoryTransferService } from './history-transfer-service.ts';
import { KeyBackupService } from './key-backup-service.ts';
import { PersonDataService } from './person-data-service.ts';
import { RetentionService } from './retention-service.ts';

export interface PrivacyDeps {
  readonly db: Database;
  readonly clock: () => Date;
  readonly realtime: Realtime;
}

export interface PrivacyServices {
  readonly retention: RetentionService;
  readonly audit: AuditService;
  readonly personData: PersonDataService;
  readonly keyBackups: KeyBackupService;
  readonly historyTransfers: HistoryTransferService;
}

/** Wires the privacy services together (no I/O happens here). */
export function createPrivacyServices(deps: PrivacyDeps): PrivacyServices {
  const { db, clock, realtime } = deps;
  const audit = new AuditService({ db });
  return {
    retention: new RetentionService({ db, clock }),
    audit,
    personData: new PersonDataService({ db, clock, realtime, audit }),
    keyBackups: new KeyBackupService({ db, clock }),
    historyTransfers: new HistoryTransferService({ db, clock }),
  };
}
