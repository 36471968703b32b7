import type { Queryable } from '@spreekuur/db';
import type { ModerationState } from '@spreekuur/protocol/chat';

/** Group moderation state: slow mode, mutes, bans, pins (tables of migration 0008). */

/** What a send must be checked against, in one round trip. */
export async function sendLimits(
  db: Queryable,
  channelId: string,
  personId: string,
): Promise<{ slowModeSeconds: number; mutedUntil: Date | null; lastMessageAt: Date | null }> {
  const { rows } = await db.query<{
    slow_mode_seconds: number | null;
    muted_until: Date | null;
    last_message_at: Date | null;
  }>(
    `SELECT (SELECT slow_mode_seconds FROM channel_moderation WHERE channel_id = $1) AS slow_mode_seconds,
            mm.muted_until, mm.last_message_at
       FROM (SELECT 1) AS one
       LEFT JOIN channel_member_moderation mm ON mm.channel_id = $1 AND mm.person_id = $2`,
    [channelId, personId],
  );
  const row = rows[0]!;
  return {
    slowModeSeconds: row.slow_mode_seconds ?? 0,
    mutedUntil: row.muted_until,
    lastMessageAt: row.last_message_at,
  };
}

export async function recordLastMessage(
  tx: Queryable,
  channel: { id: string; org_id: string },
  personId: string,
  at: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO channel_member_moderation (channel_id, org_id, person_id, last_message_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (channel_id, person_id) DO UPDATE SET last_message_at = EXCLUDED.last_message_at`,
    [channel.id, channel.org_id, personId, at],
  );
}

export async function setMutedUntil(
  tx: Queryable,
  channel: { id: string; org_id: string },
  personId: string,
  until: Date,
): Promise<void> {
  await tx.query(
    `INSERT INTO channel_member_moderation (channel_id, org_id, person_id, muted_until) VALUES ($1, $2, $3, $4)
     ON CONFLICT (channel_id, person_id) DO UPDATE SET muted_until = EXCLUDED.muted_until`,
    [channel.id, channel.org_id, personId, until],
  );
}

/** Lifts a mute; false when the person was not muted here (nothing to lift). */
export async function clearMute(tx: Queryable, channelId: string, personId: string): Promise<boolean> {
  const { rowCount } = await tx.query(
    `UPDATE channel_member_moderation SET muted_until = NULL
      WHERE channel_id = $1 AND person_id = $2 AND muted_until IS NOT NULL`,
    [channelId, personId],
  );
  return (rowCount ?? 0) > 0;
}

export async function setSlowMode(
  tx: Queryable,
  channel: { id: string; org_id: string },
  seconds: number,
): Promise<void> {
  await tx.query(
    `INSERT INTO channel_moderation (channel_id, org_id, slow_mode_seconds) VALUES ($1, $2, $3)
     ON CONFLICT (channel_id) DO UPDATE SET slow_mode_seconds = EXCLUDED.slow_mode_seconds`,
    [channel.id, channel.org_id, seconds],
  );
}

export async function setLocked(tx: Queryable, channelId: string, locked: boolean): Promise<void> {
  await tx.query('UPDATE channels SET announcements_only = $2 WHERE id = $1', [channelId, locked]);
}

/** True if a ban row was added (false: already banned). */
export async function addBan(
  tx: Queryable,
  channel: { id: string; org_id: string },
  personId: string,
  byPersonId: string,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO channel_bans (channel_id, org_id, person_id, banned_by, banned_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [channel.id, channel.org_id, personId, byPersonId, at],
  );
  return (rowCount ?? 0) > 0;
}

export async function removeBan(tx: Queryable, channelId: string, personId: string): Promise<boolean> {
  const { rowCount } = await tx.query('DELETE FROM channel_bans WHERE channel_id = $1 AND person_id = $2', [
    channelId,
    personId,
  ]);
  return (rowCount ?? 0) > 0;
}

export async function isBanned(db: Queryable, channelId: string, personId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM channel_bans WHERE channel_id = $1 AND person_id = $2', [
    channelId,
    personId,
  ]);
  return rows.length > 0;
}

export async function countPins(db: Queryable, channelId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM channel_pins WHERE channel_id = $1',
    [channelId],
  );
  return rows[0]!.n;
}

/** True if the pin was added (false: already pinned). */
export async function addPin(
  tx: Queryable,
  channel: { id: string; org_id: string },
  seq: number,
  byPersonId: string,
  at: Date,
): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO channel_pins (channel_id, seq, org_id, pinned_by, pinned_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [channel.id, seq, channel.org_id, byPersonId, at],
  );
  return (rowCount ?? 0) > 0;
}

export async function removePin(tx: Queryable, channelId: string, seq: number): Promise<boolean> {
  const { rowCount } = await tx.query('DELETE FROM channel_pins WHERE channel_id = $1 AND seq = $2', [
    channelId,
    seq,
  ]);
  return (rowCount ?? 0) > 0;
}

/** The role of a current member, or null when they are not one. */
export async function activeRole(
  db: Queryable,
  channelId: string,
  personId: string,
): Promise<'owner' | 'moderator' | 'member' | null> {
  const { rows } = await db.query<{ role: 'owner' | 'moderator' | 'member' }>(
    'SELECT role FROM channel_members WHERE channel_id = $1 AND person_id = $2 AND left_seq IS NULL',
    [channelId, personId],
  );
  return rows[0]?.role ?? null;
}

export async function setRole(
  tx: Queryable,
  channelId: string,
  personId: string,
  role: 'moderator' | 'member',
): Promise<void> {
  await tx.query('UPDATE channel_members SET role = $3 WHERE channel_id = $1 AND person_id = $2', [
    channelId,
    personId,
    role,
  ]);
}

export async function loadModerationState(
  db: Queryable,
  channelId: string,
  now: Date,
): Promise<ModerationState> {
  // One after another: `db` may be a transaction's single connection.
  const settings = await db.query<{
    slow_mode_seconds: number | null;
    announcements_only: boolean;
    approval_required: boolean | null;
  }>(
    `SELECT c.announcements_only, m.slow_mode_seconds, m.approval_required
         FROM channels c LEFT JOIN channel_moderation m ON m.channel_id = c.id WHERE c.id = $1`,
    [channelId],
  );
  const mutes = await db.query<{ person_id: string; muted_until: Date }>(
    `SELECT person_id, muted_until FROM channel_member_moderation
        WHERE channel_id = $1 AND muted_until > $2 ORDER BY muted_until`,
    [channelId, now],
  );
  const bans = await db.query<{ person_id: string; banned_at: Date; banned_by: string | null }>(
    'SELECT person_id, banned_at, banned_by FROM channel_bans WHERE channel_id = $1 ORDER BY banned_at',
    [channelId],
  );
  const pins = await db.query<{ seq: number; pinned_by: string | null; pinned_at: Date }>(
    'SELECT seq, pinned_by, pinned_at FROM channel_pins WHERE channel_id = $1 ORDER BY seq',
    [channelId],
  );
  const row = settings.rows[0];
  return {
    channelId,
    slowModeSeconds: row?.slow_mode_seconds ?? 0,
    locked: row?.announcements_only ?? false,
    approvalRequired: row?.approval_required ?? false,
    mutes: mutes.rows.map((mute) => ({ personId: mute.person_id, until: mute.muted_until.toISOString() })),
    bans: bans.rows.map((ban) => ({
      personId: ban.person_id,
      bannedAt: ban.banned_at.toISOString(),
      byPersonId: ban.banned_by,
    })),
    pins: pins.rows.map((pin) => ({
      seq: Number(pin.seq),
      byPersonId: pin.pinned_by,
      pinnedAt: pin.pinned_at.toISOString(),
    })),
  };
}

/** The active devices of a group's owners and moderators: whom a report's reveal is sealed to. */
export async function moderatorDevices(db: Queryable, channelId: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT d.id FROM channel_members m JOIN devices d ON d.person_id = m.person_id AND d.org_id = m.org_id
      WHERE m.channel_id = $1 AND m.left_seq IS NULL AND m.role IN ('owner', 'moderator') AND d.revoked_at IS NULL
      ORDER BY d.id`,
    [channelId],
  );
  return rows.map((row) => row.id);
}
