import type { Queryable } from '@spreekuur/db';
import type { Report } from '@spreekuur/protocol/chat';
import { toBase64Url } from '@spreekuur/protocol/common';

/** Franking commitments and reports (`message_franking`, `message_reports`, `message_report_reveals`). */

export async function insertFranking(
  tx: Queryable,
  channelId: string,
  seq: number,
  commitment: Uint8Array,
  serverTag: Uint8Array,
): Promise<void> {
  await tx.query(
    'INSERT INTO message_franking (channel_id, seq, commitment, server_tag) VALUES ($1, $2, $3, $4)',
    [channelId, seq, commitment, serverTag],
  );
}

/** A message with its franking values, as the report check needs it. */
export interface FrankedMessage {
  senderPersonId: string;
  senderDeviceId: string;
  createdAt: Date;
  commitment: Uint8Array | null;
  serverTag: Uint8Array | null;
}

/** The message at (channel, seq) with its franking, or undefined when there is no message there. */
export async function findFrankedMessage(
  db: Queryable,
  channelId: string,
  seq: number,
): Promise<FrankedMessage | undefined> {
  const { rows } = await db.query<{
    sender_person_id: string;
    sender_device_id: string;
    created_at: Date;
    commitment: Uint8Array | null;
    server_tag: Uint8Array | null;
  }>(
    `SELECT e.sender_person_id, e.sender_device_id, e.created_at, f.commitment, f.server_tag
       FROM channel_events e LEFT JOIN message_franking f ON f.channel_id = e.channel_id AND f.seq = e.seq
      WHERE e.channel_id = $1 AND e.seq = $2 AND e.kind = 'message'`,
    [channelId, seq],
  );
  const row = rows[0];
  return row
    ? {
        senderPersonId: row.sender_person_id,
        senderDeviceId: row.sender_device_id,
        createdAt: row.created_at,
        commitment: row.commitment,
        serverTag: row.server_tag,
      }
    : undefined;
}

export interface NewReport {
  id: string;
  orgId: string;
  channelId: string;
  seq: number;
  reporterPersonId: string;
  reporterDeviceId: string;
  reason: Report['reason'];
  createdAt: Date;
  sealed: ReadonlyMap<string, Uint8Array>;
}

export async function insertReport(tx: Queryable, report: NewReport): Promise<void> {
  await tx.query(
    `INSERT INTO message_reports (id, org_id, channel_id, seq, reporter_person_id, reporter_device_id, reason, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      report.id,
      report.orgId,
      report.channelId,
      report.seq,
      report.reporterPersonId,
      report.reporterDeviceId,
      report.reason,
      report.createdAt,
    ],
  );
  for (const [deviceId, ciphertext] of report.sealed) {
    await tx.query(
      'INSERT INTO message_report_reveals (report_id, device_id, ciphertext) VALUES ($1, $2, $3)',
      [report.id, deviceId, ciphertext],
    );
  }
}

interface ReportRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  channel_id: string;
  seq: number;
  reason: Report['reason'];
  status: Report['status'];
  reporter_person_id: string;
  sender_person_id: string;
  sender_device_id: string;
  sent_at: Date;
  commitment: Uint8Array;
  created_at: Date;
  resolved_at: Date | null;
  resolved_by: string | null;
  sealed: Uint8Array | null;
}

const SELECT_REPORTS = `
  SELECT r.*, e.sender_person_id, e.sender_device_id, e.created_at AS sent_at, f.commitment, v.ciphertext AS sealed
    FROM message_reports r
    JOIN channel_events e ON e.channel_id = r.channel_id AND e.seq = r.seq
    JOIN message_franking f ON f.channel_id = r.channel_id AND f.seq = r.seq
    LEFT JOIN message_report_reveals v ON v.report_id = r.id AND v.device_id = $1`;

function toReport(row: ReportRow): Report {
  return {
    id: row.id,
    channelId: row.channel_id,
    seq: Number(row.seq),
    reason: row.reason,
    status: row.status,
    reporterPersonId: row.reporter_person_id,
    senderPersonId: row.sender_person_id,
    senderDeviceId: row.sender_device_id,
    sentAt: row.sent_at.toISOString(),
    commitment: toBase64Url(row.commitment),
    // Only reports whose opening the server checked are ever stored.
    serverVerified: true,
    createdAt: row.created_at.toISOString(),
    resolvedAt: row.resolved_at ? row.resolved_at.toISOString() : null,
    resolvedByPersonId: row.resolved_by,
    sealed: row.sealed ? toBase64Url(row.sealed) : null,
  };
}

/** A report of the organisation with the sealed copy for `deviceId` (if any). */
export async function findReport(
  db: Queryable,
  orgId: string,
  reportId: string,
  deviceId: string,
): Promise<(Report & { orgId: string }) | undefined> {
  const { rows } = await db.query<ReportRow>(`${SELECT_REPORTS} WHERE r.id = $2 AND r.org_id = $3`, [
    deviceId,
    reportId,
    orgId,
  ]);
  return rows[0] ? { ...toReport(rows[0]), orgId: rows[0].org_id } : undefined;
}

export async function channelReports(
  db: Queryable,
  channelId: string,
  deviceId: string,
  status: Report['status'] | undefined,
): Promise<Report[]> {
  const { rows } = await db.query<ReportRow>(
    `${SELECT_REPORTS} WHERE r.channel_id = $2 AND ($3::text IS NULL OR r.status = $3) ORDER BY r.created_at, r.id`,
    [deviceId, channelId, status ?? null],
  );
  return rows.map(toReport);
}

/** Reports of an organisation, or of one reporter in it; no sealed copies. */
export async function orgReports(
  db: Queryable,
  orgId: string,
  reporterPersonId: string | null,
): Promise<Report[]> {
  const { rows } = await db.query<ReportRow>(
    `${SELECT_REPORTS} WHERE r.org_id = $2 AND ($3::uuid IS NULL OR r.reporter_person_id = $3)
      ORDER BY r.created_at DESC, r.id LIMIT 500`,
    [null, orgId, reporterPersonId],
  );
  return rows.map(toReport);
}

/** Resolves an open report; false when it was no longer open. */
export async function resolveReport(
  tx: Queryable,
  reportId: string,
  status: 'dismissed' | 'action_taken',
  byPersonId: string,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE message_reports SET status = $2, resolved_by = $3, resolved_at = $4 WHERE id = $1 AND status = 'open'`,
    [reportId, status, byPersonId, at],
  );
  return (rowCount ?? 0) > 0;
}
