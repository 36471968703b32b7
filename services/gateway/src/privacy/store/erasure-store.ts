import type { Queryable } from '@spreekuur/db';

/**
 * Erasing a person (AVG art. 17), table by table, inside the caller's transaction. What stays:
 * the `people` row as a pseudonym (no name; so ids in the audit trail and in other people's
 * conversation logs point somewhere) and the audit trail (device ids removed from it). The rule
 * is documented in docs/privacy.md; a test reads every table afterwards.
 */

/** Stands in for a removed device in tombstones of the person's messages. */
const ERASED_DEVICE_ID = '00000000-0000-0000-0000-000000000000';
const ERASED_NAME = 'Verwijderde persoon';

export interface ErasureCounts {
  devicesRemoved: number;
  messagesErased: number;
  filesDeleted: number;
  membershipsEnded: number;
  appointmentsDeleted: number;
  queueEntriesDeleted: number;
}

export async function deviceIdsOf(tx: Queryable, personId: string): Promise<string[]> {
  const { rows } = await tx.query<{ id: string }>('SELECT id FROM devices WHERE person_id = $1', [personId]);
  return rows.map((row) => row.id);
}

export async function erasePerson(
  tx: Queryable,
  target: { orgId: string; personId: string },
  deviceIds: readonly string[],
  now: Date,
): Promise<{ counts: ErasureCounts; fileIds: string[] }> {
  const { orgId, personId } = target;
  const q = (sql: string, params: readonly unknown[]) => tx.query(sql, params);

  // Their messages become tombstones: no ciphertext, no attachments, no device.
  const messages = await q(
    `UPDATE channel_events
        SET deleted_at = COALESCE(deleted_at, $3), group_ciphertext = NULL, recipient_devices = NULL,
            data = '{}'::jsonb, sender_device_id = $4::uuid, client_id = 'erased-' || seq::text
      WHERE org_id = $1 AND sender_person_id = $2 AND kind = 'message'`,
    [orgId, personId, now, ERASED_DEVICE_ID],
  );
  await q(
    `DELETE FROM channel_event_payloads p USING channel_events e
      WHERE p.channel_id = e.channel_id AND p.seq = e.seq AND e.org_id = $1 AND e.sender_person_id = $2`,
    [orgId, personId],
  );
  // Ciphertext others addressed to their devices, and their devices in others' group messages.
  await q('DELETE FROM channel_event_payloads WHERE recipient_device_id = ANY($1::uuid[])', [deviceIds]);
  await q(
    `UPDATE channel_events SET recipient_devices = ARRAY(SELECT unnest(recipient_devices) EXCEPT SELECT unnest($2::uuid[]))
      WHERE org_id = $1 AND recipient_devices && $2::uuid[]`,
    [orgId, deviceIds],
  );

  await eraseModeration(tx, orgId, personId, deviceIds);

  const files = await tx.query<{ id: string }>(
    'DELETE FROM files WHERE org_id = $1 AND uploader_person_id = $2 RETURNING id',
    [orgId, personId],
  );
  const channelMembers = await q('DELETE FROM channel_members WHERE org_id = $1 AND person_id = $2', [
    orgId,
    personId,
  ]);
  const teamMembers = await q('DELETE FROM team_members WHERE org_id = $1 AND person_id = $2', [
    orgId,
    personId,
  ]);
  await q('UPDATE channels SET created_by = NULL WHERE org_id = $1 AND created_by = $2', [orgId, personId]);

  // Scheduling: their queue records and appointments as a resident; their duty and calendar as a worker.
  const queue = await q('DELETE FROM queue_entries WHERE org_id = $1 AND resident_id = $2', [
    orgId,
    personId,
  ]);
  await q(
    `UPDATE queue_entries SET worker_id = NULL, assigned_at = NULL
      WHERE org_id = $1 AND worker_id = $2 AND status IN ('closed', 'left')`,
    [orgId, personId],
  );
  await q(
    `UPDATE queue_entries SET reader_ids = array_remove(reader_ids, $2::uuid)
      WHERE org_id = $1 AND $2::uuid = ANY(reader_ids)`,
    [orgId, personId],
  );
  await q(
    `UPDATE office_hour_teams SET last_assigned_at = last_assigned_at - $2::text
      WHERE org_id = $1 AND last_assigned_at ? $2::text`,
    [orgId, personId],
  );
  const appointments = await tx.query<{ id: string }>(
    'DELETE FROM appointments WHERE org_id = $1 AND resident_id = $2 RETURNING id',
    [orgId, personId],
  );
  await q(`DELETE FROM scheduling_jobs WHERE org_id = $1 AND payload->>'appointmentId' = ANY($2::text[])`, [
    orgId,
    appointments.rows.map((row) => row.id),
  ]);
  await q('DELETE FROM duty_shifts WHERE org_id = $1 AND worker_id = $2', [orgId, personId]);
  await q('UPDATE duty_shifts SET created_by = NULL WHERE org_id = $1 AND created_by = $2', [
    orgId,
    personId,
  ]);
  await q('DELETE FROM duty_toggles WHERE org_id = $1 AND worker_id = $2', [orgId, personId]);
  await q('DELETE FROM worker_calendars WHERE org_id = $1 AND worker_id = $2', [orgId, personId]);
  await q('DELETE FROM scheduling_notifications WHERE org_id = $1 AND person_id = $2', [orgId, personId]);

  // Account: invites they hold or made and did not hand out, the key backup, the devices
  // (with their prekeys, cursors, tokens and challenges: ON DELETE CASCADE).
  await q(
    'DELETE FROM invites WHERE org_id = $1 AND (person_id = $2 OR (created_by = $2 AND used_at IS NULL))',
    [orgId, personId],
  );
  await q('UPDATE invites SET created_by = NULL WHERE org_id = $1 AND created_by = $2', [orgId, personId]);
  await q('UPDATE invites SET used_by_device = NULL WHERE org_id = $1 AND used_by_device = ANY($2::uuid[])', [
    orgId,
    deviceIds,
  ]);
  await q('DELETE FROM key_backups WHERE org_id = $1 AND person_id = $2', [orgId, personId]);
  // Sealed history waiting for one of their devices (also ON DELETE CASCADE with the devices).
  await q('DELETE FROM history_transfers WHERE org_id = $1 AND person_id = $2', [orgId, personId]);
  const devices = await q('DELETE FROM devices WHERE org_id = $1 AND person_id = $2', [orgId, personId]);

  // The audit trail stays; device ids leave it (the person id is now a pseudonym).
  await q(
    'UPDATE audit_log SET actor_device_id = NULL WHERE org_id = $1 AND actor_device_id = ANY($2::uuid[])',
    [orgId, deviceIds],
  );
  await q(
    `UPDATE audit_log SET subject_id = NULL WHERE org_id = $1 AND subject_type = 'device' AND subject_id = ANY($2::text[])`,
    [orgId, deviceIds],
  );
  await q(
    `UPDATE audit_log a SET details = (SELECT COALESCE(jsonb_object_agg(kv.key, kv.value), '{}'::jsonb)
                                         FROM jsonb_each(a.details) kv WHERE NOT (kv.value #>> '{}' = ANY($2::text[])))
      WHERE a.org_id = $1 AND EXISTS (SELECT 1 FROM jsonb_each_text(a.details) kv WHERE kv.value = ANY($2::text[]))`,
    [orgId, deviceIds],
  );

  await q(
    `UPDATE people SET display_name = $3, locale = 'nl', presence_hidden = false, erased_at = $4
      WHERE org_id = $1 AND id = $2`,
    [orgId, personId, ERASED_NAME, now],
  );

  return {
    counts: {
      devicesRemoved: devices.rowCount,
      messagesErased: messages.rowCount,
      filesDeleted: files.rows.length,
      membershipsEnded: channelMembers.rowCount + teamMembers.rowCount,
      appointmentsDeleted: appointments.rows.length,
      queueEntriesDeleted: queue.rowCount,
    },
    fileIds: files.rows.map((row) => row.id),
  };
}

/**
 * The moderation tables (migrations 0008 and 0009, docs/privacy.md "Erasure"). Must run while the
 * person's messages are still marked as theirs (`sender_person_id`) and before their devices go.
 * - Their mutes, slow-mode stamps and bans: removed (they are about a person who is gone).
 * - Reports they made and reports of their messages: removed with the sealed reveals (the
 *   reporter's note and the reported words are content); the audit trail keeps that a report
 *   was made and how it was handled, with ids only.
 * - Franking values and pins of their messages: removed (the message is a tombstone now).
 * - Reveals sealed to their devices (as a moderator): removed.
 * - Their id as the one who banned, pinned or resolved: cleared.
 * - `moderation` entries in channel logs keep only the pseudonymous id, like other log entries:
 *   every member's device already holds them, and a channel log has no gaps.
 */
async function eraseModeration(
  tx: Queryable,
  orgId: string,
  personId: string,
  deviceIds: readonly string[],
): Promise<void> {
  const q = (sql: string, params: readonly unknown[]) => tx.query(sql, params);
  await q(
    `DELETE FROM message_reports r
      WHERE r.org_id = $1
        AND (r.reporter_person_id = $2
             OR EXISTS (SELECT 1 FROM channel_events e
                         WHERE e.channel_id = r.channel_id AND e.seq = r.seq AND e.sender_person_id = $2))`,
    [orgId, personId],
  );
  await q('DELETE FROM message_report_reveals WHERE device_id = ANY($1::uuid[])', [deviceIds]);
  await q('UPDATE message_reports SET resolved_by = NULL WHERE org_id = $1 AND resolved_by = $2', [
    orgId,
    personId,
  ]);
  for (const table of ['message_franking', 'channel_pins']) {
    await q(
      `DELETE FROM ${table} t USING channel_events e
        WHERE t.channel_id = e.channel_id AND t.seq = e.seq AND e.org_id = $1 AND e.sender_person_id = $2`,
      [orgId, personId],
    );
  }
  await q('UPDATE channel_pins SET pinned_by = NULL WHERE org_id = $1 AND pinned_by = $2', [orgId, personId]);
  await q('DELETE FROM channel_member_moderation WHERE org_id = $1 AND person_id = $2', [orgId, personId]);
  await q('DELETE FROM channel_bans WHERE org_id = $1 AND person_id = $2', [orgId, personId]);
  await q('UPDATE channel_bans SET banned_by = NULL WHERE org_id = $1 AND banned_by = $2', [orgId, personId]);
  // Group links (migration 0009): their waiting requests to join go; the links they made or
  // revoked stay for the group (a link's token is only a hash), without their id.
  await q('DELETE FROM channel_join_requests WHERE org_id = $1 AND person_id = $2', [orgId, personId]);
  await q('UPDATE channel_links SET created_by = NULL WHERE org_id = $1 AND created_by = $2', [
    orgId,
    personId,
  ]);
  await q('UPDATE channel_links SET revoked_by = NULL WHERE org_id = $1 AND revoked_by = $2', [
    orgId,
    personId,
  ]);
}
