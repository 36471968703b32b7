import type { Database } from '@spreekuur/db';
import type { AuditEntryView } from '@spreekuur/protocol/privacy';
import { requireRole, type Principal } from '@spreekuur/server';
import { auditCsv } from './domain/audit-csv.ts';
import { listAudit, type AuditFilter } from './store/audit-store.ts';

/** Most rows one CSV export holds; narrow the filter (since/until) for more. */
const CSV_MAX_ROWS = 10_000;

type Query = Omit<AuditFilter, 'orgId' | 'limit'> & { limit?: number };

/** The audit log as people read it: admins the organisation's, everyone what concerns them. */
export class AuditService {
  constructor(private readonly deps: { db: Database }) {}

  async list(principal: Principal, query: Query & { limit: number }) {
    requireRole(principal, 'admin');
    return this.page({ ...query, orgId: principal.orgId });
  }

  async listOwn(principal: Principal, query: { before?: string | undefined; limit: number }) {
    return this.page({ ...query, orgId: principal.orgId, personId: principal.personId });
  }

  async csv(principal: Principal, query: Omit<Query, 'before' | 'limit'>): Promise<string> {
    requireRole(principal, 'admin');
    return auditCsv(await listAudit(this.deps.db, { ...query, orgId: principal.orgId, limit: CSV_MAX_ROWS }));
  }

  /** Every entry about a person (for their export). */
  async about(orgId: string, personId: string): Promise<AuditEntryView[]> {
    return listAudit(this.deps.db, { orgId, personId, limit: CSV_MAX_ROWS });
  }

  private async page(filter: AuditFilter) {
    const rows = await listAudit(this.deps.db, { ...filter, limit: filter.limit + 1 });
    const entries = rows.slice(0, filter.limit);
    return { entries, next: rows.length > filter.limit ? entries[entries.length - 1]!.id : null };
  }
}
