import { z } from 'zod';
import { idParams } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { auditPage, auditQuery, ownAuditQuery } from './audit.ts';
import { keyBackup, putKeyBackupBody } from './backup.ts';
import { historyTransfer, putHistoryTransferBody, storedHistoryTransfer } from './history-transfer.ts';
import { erasureBody, erasureResult, personExport } from './export.ts';
import {
  retentionNotice,
  retentionRunResult,
  retentionView,
  teamRetentionOverrides,
  updateRetentionBody,
} from './retention.ts';

const privacy = ['privacy'];

/** Retention, the audit log, export, erasure, key backup and history transfer (docs/privacy.md). */
export const privacyEndpoints = {
  getRetention: endpoint({
    method: 'GET',
    path: '/v1/privacy/retention',
    access: 'device',
    tags: privacy,
    summary:
      'How long the organisation keeps messages, files, queue records, appointments and audit entries (admins)',
    response: retentionView,
  }),
  updateRetention: endpoint({
    method: 'PUT',
    path: '/v1/privacy/retention',
    access: 'device',
    tags: privacy,
    summary: 'Change retention periods of the organisation (admins)',
    body: updateRetentionBody,
    response: retentionView,
  }),
  updateTeamRetention: endpoint({
    method: 'PUT',
    path: '/v1/privacy/retention/teams/:id',
    access: 'device',
    tags: privacy,
    summary:
      'Set a team’s own retention of office-hour conversations, queue records and appointments (admins)',
    params: idParams,
    body: teamRetentionOverrides,
    response: retentionView,
  }),
  retentionNotice: endpoint({
    method: 'GET',
    path: '/v1/privacy/retention/notice',
    access: 'device',
    tags: privacy,
    summary: 'The retention periods in plain words, for everyone in the organisation',
    response: retentionNotice,
  }),
  runRetention: endpoint({
    method: 'POST',
    path: '/v1/privacy/retention/run',
    access: 'device',
    tags: privacy,
    summary: 'Erase what is past retention in this organisation now (admins; it also runs on a timer)',
    status: 200,
    response: retentionRunResult,
  }),
  listAudit: endpoint({
    method: 'GET',
    path: '/v1/privacy/audit',
    access: 'device',
    tags: privacy,
    summary: 'The organisation’s audit log, newest first, filtered and paginated (admins)',
    query: auditQuery,
    response: auditPage,
  }),
  exportAuditCsv: endpoint({
    method: 'GET',
    path: '/v1/privacy/audit.csv',
    access: 'device',
    tags: privacy,
    summary: 'The same entries as CSV (admins; at most 10 000 rows)',
    query: auditQuery.omit({ before: true, limit: true }),
    responseContentType: 'text/csv',
    responseDescription: 'RFC 4180 CSV: at, action, actor, subject, details',
  }),
  listOwnAudit: endpoint({
    method: 'GET',
    path: '/v1/me/audit',
    access: 'device',
    tags: privacy,
    summary: 'Audit entries about you: what you did and what others did to your account',
    query: ownAuditQuery,
    response: auditPage,
  }),
  exportOwnData: endpoint({
    method: 'GET',
    path: '/v1/me/export',
    access: 'device',
    tags: privacy,
    summary: 'Everything the server holds about you, as JSON (AVG art. 15/20)',
    response: personExport,
  }),
  exportPersonData: endpoint({
    method: 'GET',
    path: '/v1/people/:id/export',
    access: 'device',
    tags: privacy,
    summary: 'Everything the server holds about a person of your organisation (admins)',
    params: idParams,
    response: personExport,
  }),
  eraseSelf: endpoint({
    method: 'POST',
    path: '/v1/me/erasure',
    access: 'device',
    tags: privacy,
    summary: 'Erase your account (AVG art. 17): devices, keys, memberships, files and messages go',
    body: erasureBody,
    response: erasureResult,
  }),
  erasePerson: endpoint({
    method: 'POST',
    path: '/v1/people/:id/erasure',
    access: 'device',
    tags: privacy,
    summary: 'Erase a person of your organisation (admins)',
    params: idParams,
    body: erasureBody,
    response: erasureResult,
  }),
  putKeyBackup: endpoint({
    method: 'PUT',
    path: '/v1/me/key-backup',
    access: 'device',
    tags: privacy,
    summary: 'Store your encrypted key backup (opaque to the server; replaces the previous one)',
    body: putKeyBackupBody,
    response: z.object({ size: z.number().int(), updatedAt: z.string() }),
  }),
  getKeyBackup: endpoint({
    method: 'GET',
    path: '/v1/me/key-backup',
    access: 'device',
    tags: privacy,
    summary: 'Fetch your encrypted key backup (to restore it on a new device)',
    response: keyBackup,
  }),
  deleteKeyBackup: endpoint({
    method: 'DELETE',
    path: '/v1/me/key-backup',
    access: 'device',
    tags: privacy,
    summary: 'Delete your key backup',
    status: 204,
  }),
  putHistoryTransfer: endpoint({
    method: 'PUT',
    path: '/v1/me/devices/:id/history-transfer',
    access: 'device',
    tags: privacy,
    summary:
      'Leave your sealed history for another of your devices (opaque to the server; replaces an earlier one; kept 7 days)',
    params: idParams,
    body: putHistoryTransferBody,
    response: storedHistoryTransfer,
  }),
  getHistoryTransfer: endpoint({
    method: 'GET',
    path: '/v1/me/devices/:id/history-transfer',
    access: 'device',
    tags: privacy,
    summary:
      'Fetch the sealed history another of your devices left for this device (this device only; null when none waits)',
    params: idParams,
    response: z.object({ transfer: historyTransfer.nullable() }),
  }),
  deleteHistoryTransfer: endpoint({
    method: 'DELETE',
    path: '/v1/me/devices/:id/history-transfer',
    access: 'device',
    tags: privacy,
    summary: 'Acknowledge the history transfer: the server deletes it (this device only)',
    params: idParams,
    status: 204,
  }),
} as const;
