import type { AuditEntryView } from '@spreekuur/protocol/privacy';

/** RFC 4180 field: quoted when it holds a comma, quote or line break; leading =+-@ defused for spreadsheets. */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const HEADER = [
  'at',
  'action',
  'actor_person_id',
  'actor_device_id',
  'subject_type',
  'subject_id',
  'details',
];

/** The audit log as CSV, one entry a line, details as compact JSON. */
export function auditCsv(entries: readonly AuditEntryView[]): string {
  const lines = [HEADER.join(',')];
  for (const entry of entries) {
    lines.push(
      [
        entry.at,
        entry.action,
        entry.actorPersonId ?? '',
        entry.actorDeviceId ?? '',
        entry.subjectType ?? '',
        entry.subjectId ?? '',
        JSON.stringify(entry.details),
      ]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
