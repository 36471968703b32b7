import type { Queryable } from '@spreekuur/db';
import { toBase64Url } from '@spreekuur/protocol/common';
import type { PersonExport } from '@spreekuur/protocol/privacy';

/** Reads everything stored about one person, for the export (AVG art. 15/20). Content is never read. */

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

type Collected = Omit<PersonExport, 'format' | 'exportedAt' | 'note' | 'audit'>;

export async function collectPersonData(db: Queryable, orgId: string, personId: string): Promise<Collected> {
  const profile = await db.query<{
    id: string;
    org_id: string;
    role: string;
    display_name: string;
    locale: string;
    presence_hidden: boolean;
    created_at: Date;
  }>(
    'SELECT id, org_id, role, display_name, locale, presence_hidden, created_at FROM people WHERE id = $1 AND org_id = $2',
    [personId, orgId],
  );
  const person = profile.rows[0]!;

  const devices = await db.query<{
    id: string;
    name: string;
    identity_key: Uint8Array;
    created_at: Date;
    last_seen_at: Date | null;
    revoked_at: Date | null;
    prekeys: number;
  }>(
    `SELECT d.id, d.name, d.identity_key, d.created_at, d.last_seen_at, d.revoked_at,
            (SELECT count(*)::int FROM device_one_time_prekeys k WHERE k.device_id = d.id) AS prekeys
       FROM devices d WHERE d.person_id = $1 AND d.org_id = $2 ORDER BY d.created_at`,
    [personId, orgId],
  );

  const teams = await db.query<{ team_id: string; name: string; added_at: Date }>(
    `SELECT m.team_id, t.name, m.added_at FROM team_members m JOIN teams t ON t.id = m.team_id
      WHERE m.person_id = $1 AND m.org_id = $2 ORDER BY m.added_at`,
    [personId, orgId],
  );

  const channels = await db.query<{
    channel_id: string;
    kind: string;
    name: string | null;
    role: string;
    joined_seq: number;
    left_seq: number | null;
    sent: number;
    first_sent: Date | null;
    last_sent: Date | null;
  }>(
    `SELECT m.channel_id, c.kind, c.name, m.role, m.joined_seq, m.left_seq,
            count(e.seq)::int AS sent, min(e.created_at) AS first_sent, max(e.created_at) AS last_sent
       FROM channel_members m JOIN channels c ON c.id = m.channel_id
       LEFT JOIN channel_events e ON e.channel_id = m.channel_id AND e.kind = 'message' AND e.sender_person_id = m.person_id
      WHERE m.person_id = $1 AND m.org_id = $2
      GROUP BY m.channel_id, c.kind, c.name, m.role, m.joined_seq, m.left_seq, c.created_at
      ORDER BY c.created_at`,
    [personId, orgId],
  );

  const files = await db.query<{
    id: string;
    channel_id: string;
    size: number;
    created_at: Date;
    expires_at: Date | null;
  }>(
    `SELECT id, channel_id, size, created_at, expires_at FROM files
      WHERE uploader_person_id = $1 AND org_id = $2 AND deleted_at IS NULL ORDER BY created_at`,
    [personId, orgId],
  );

  const queue = await db.query<{
    id: string;
    team_id: string;
    status: string;
    as_question: boolean;
    joined_at: Date;
    ended_at: Date | null;
    outcome: string | null;
  }>(
    `SELECT id, team_id, status, as_question, joined_at, ended_at, outcome FROM queue_entries
      WHERE resident_id = $1 AND org_id = $2 ORDER BY joined_at`,
    [personId, orgId],
  );

  const appointments = await db.query<{
    id: string;
    team_id: string;
    resident_id: string;
    kind: string;
    start_at: Date;
    end_at: Date;
    status: string;
  }>(
    `SELECT id, team_id, resident_id, kind, start_at, end_at, status FROM appointments
      WHERE (resident_id = $1 OR worker_id = $1) AND org_id = $2 ORDER BY start_at`,
    [personId, orgId],
  );

  const notifications = await db.query<{ id: string; kind: string; created_at: Date; read_at: Date | null }>(
    `SELECT id, kind, created_at, read_at FROM scheduling_notifications
      WHERE person_id = $1 AND org_id = $2 ORDER BY created_at`,
    [personId, orgId],
  );

  const backup = await db.query<{ size: number; updated_at: Date }>(
    'SELECT length(ciphertext) AS size, updated_at FROM key_backups WHERE person_id = $1 AND org_id = $2',
    [personId, orgId],
  );

  const transfers = await db.query<{
    from_device_id: string;
    to_device_id: string;
    size: number;
    created_at: Date;
    expires_at: Date;
  }>(
    `SELECT from_device_id, to_device_id, length(ciphertext) AS size, created_at, expires_at
       FROM history_transfers WHERE person_id = $1 AND org_id = $2 ORDER BY created_at`,
    [personId, orgId],
  );

  return {
    profile: {
      id: person.id,
      organisationId: person.org_id,
      role: person.role,
      displayName: person.display_name,
      locale: person.locale,
      presenceHidden: person.presence_hidden,
      createdAt: person.created_at.toISOString(),
    },
    devices: devices.rows.map((row) => ({
      id: row.id,
      name: row.name,
      identityKey: toBase64Url(row.identity_key),
      createdAt: row.created_at.toISOString(),
      lastSeenAt: iso(row.last_seen_at),
      revokedAt: iso(row.revoked_at),
      oneTimePrekeysLeft: row.prekeys,
    })),
    teams: teams.rows.map((row) => ({
      teamId: row.team_id,
      name: row.name,
      addedAt: row.added_at.toISOString(),
    })),
    channels: channels.rows.map((row) => ({
      channelId: row.channel_id,
      kind: row.kind,
      name: row.name,
      role: row.role,
      joinedSeq: row.joined_seq,
      leftSeq: row.left_seq,
      messagesSent: row.sent,
      firstSentAt: iso(row.first_sent),
      lastSentAt: iso(row.last_sent),
    })),
    files: files.rows.map((row) => ({
      fileId: row.id,
      channelId: row.channel_id,
      size: row.size,
      createdAt: row.created_at.toISOString(),
      expiresAt: iso(row.expires_at),
    })),
    queueHistory: queue.rows.map((row) => ({
      id: row.id,
      teamId: row.team_id,
      status: row.status,
      asQuestion: row.as_question,
      joinedAt: row.joined_at.toISOString(),
      endedAt: iso(row.ended_at),
      outcome: row.outcome,
    })),
    appointments: appointments.rows.map((row) => ({
      id: row.id,
      teamId: row.team_id,
      role: row.resident_id === personId ? ('resident' as const) : ('worker' as const),
      kind: row.kind,
      startAt: row.start_at.toISOString(),
      endAt: row.end_at.toISOString(),
      status: row.status,
    })),
    notifications: notifications.rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      createdAt: row.created_at.toISOString(),
      readAt: iso(row.read_at),
    })),
    keyBackup: backup.rows[0]
      ? { size: backup.rows[0].size, updatedAt: backup.rows[0].updated_at.toISOString() }
      : null,
    historyTransfers: transfers.rows.map((row) => ({
      fromDeviceId: row.from_device_id,
      toDeviceId: row.to_device_id,
      size: row.size,
      createdAt: row.created_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
    })),
  };
}
