import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import type { Channel, ChannelDevice, ChannelRole, MembershipProof } from '@spreekuur/protocol/chat';
import { toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import type { ChannelKind } from '../domain/channel-permissions.ts';
import { readableEnd } from '../domain/readable-log.ts';
import { appendEvent } from './event-store.ts';

/** Channels and their members (`channels`, `channel_members`), and the lists built from them. */

export interface ChannelRow extends Record<string, unknown> {
  id: string;
  org_id: string;
  kind: ChannelKind;
  name: string | null;
  disappearing_seconds: number | null;
  announcements_only: boolean;
  last_seq: number;
  created_at: Date;
}

export interface Membership {
  channel: ChannelRow;
  role: ChannelRole;
  joinedSeq: number;
}

/**
 * The caller's active membership of a channel. A channel of another organisation does not
 * exist for the caller (404); one of their own organisation they are not in is 403.
 * `lock` takes the channel row lock that orders its log (use inside a transaction).
 */
export async function requireMembership(
  db: Queryable,
  caller: { orgId: string; personId: string },
  channelId: string,
  options: { lock?: boolean } = {},
): Promise<Membership> {
  if (options.lock) {
    // Lock first, then read the membership in a statement of its own: under READ COMMITTED a
    // statement that waited for the lock re-checks only the locked row, so a membership read
    // in the same statement could predate a removal that committed while we waited.
    const channel = await lockChannel(db, caller.orgId, channelId);
    const member = await db.query<{ role: ChannelRole; joined_seq: number }>(
      'SELECT role, joined_seq FROM channel_members WHERE channel_id = $1 AND person_id = $2 AND left_seq IS NULL',
      [channelId, caller.personId],
    );
    const row = member.rows[0];
    if (!row) throw new AppError('ERR_CHAT_NOT_MEMBER');
    return { channel, role: row.role, joinedSeq: row.joined_seq };
  }
  const membership = await requireReadableMembership(db, caller, channelId);
  if (membership.leftSeq !== null) throw new AppError('ERR_CHAT_NOT_MEMBER');
  return membership;
}

export interface ReadableMembership extends Membership {
  /** Set when the caller has left or was removed: they may read up to here, their removal included. */
  leftSeq: number | null;
}

/**
 * The part of a channel's log the caller may read: from their joining on, and for a former
 * member up to and including their own removal, so a device that was offline when it
 * happened still catches up to it. Nothing after it. One round trip, no lock.
 */
export async function requireReadableMembership(
  db: Queryable,
  caller: { orgId: string; personId: string },
  channelId: string,
): Promise<ReadableMembership> {
  const { rows } = await db.query<
    ChannelRow & {
      member_role: ChannelRole | null;
      member_joined_seq: number | null;
      member_left_seq: number | null;
    }
  >(
    `SELECT c.*, m.role AS member_role, m.joined_seq AS member_joined_seq, m.left_seq AS member_left_seq
       FROM channels c
       LEFT JOIN channel_members m ON m.channel_id = c.id AND m.person_id = $3
      WHERE c.id = $1 AND c.org_id = $2`,
    [channelId, caller.orgId, caller.personId],
  );
  const row = rows[0];
  if (!row) throw new AppError('ERR_NOT_FOUND', 'channel not found');
  if (row.member_role === null || row.member_joined_seq === null) throw new AppError('ERR_CHAT_NOT_MEMBER');
  const { member_role: role, member_joined_seq: joinedSeq, member_left_seq: leftSeq, ...channel } = row;
  return { channel, role, joinedSeq, leftSeq };
}

/** The end of the log as the caller may see it. */
export const visibleLastSeq = (membership: ReadableMembership): number =>
  readableEnd(membership.channel.last_seq, membership.leftSeq);

/**
 * Locks a channel's row, which orders its log, until the transaction ends. NO KEY UPDATE:
 * enough to order the log, and it lets foreign keys to the channel proceed.
 */
export async function lockChannel(db: Queryable, orgId: string, channelId: string): Promise<ChannelRow> {
  const { rows } = await db.query<ChannelRow>(
    'SELECT * FROM channels WHERE id = $1 AND org_id = $2 FOR NO KEY UPDATE',
    [channelId, orgId],
  );
  if (!rows[0]) throw new AppError('ERR_NOT_FOUND', 'channel not found');
  return rows[0];
}

/** The direct conversation of two people, by its key (both ids, sorted). */
export async function findDirectChannel(
  db: Queryable,
  orgId: string,
  directKey: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    'SELECT id FROM channels WHERE direct_key = $1 AND org_id = $2',
    [directKey, orgId],
  );
  return rows[0]?.id ?? null;
}

export async function isActiveMember(db: Queryable, channelId: string, personId: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'SELECT 1 FROM channel_members WHERE channel_id = $1 AND person_id = $2 AND left_seq IS NULL',
    [channelId, personId],
  );
  return rowCount > 0;
}

export async function setDisappearingSeconds(
  tx: Queryable,
  channelId: string,
  seconds: number | null,
): Promise<void> {
  await tx.query('UPDATE channels SET disappearing_seconds = $2 WHERE id = $1', [channelId, seconds]);
}

export async function createChannel(
  tx: Queryable,
  spec: {
    orgId: string;
    kind: ChannelKind;
    name: string | null;
    directKey?: string | null;
    createdBy: string;
    /** Chosen by the creating client (so it can sign the founding members), else made here. */
    id?: string;
    members: Array<{ personId: string; role: ChannelRole; proof?: MembershipProof | undefined }>;
  },
  now: Date,
): Promise<{ channelId: string; seqs: number[] }> {
  const channelId = spec.id ?? randomUUID();
  const { rowCount } = await tx.query(
    `INSERT INTO channels (id, org_id, kind, name, direct_key, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (id) DO NOTHING`,
    [channelId, spec.orgId, spec.kind, spec.name, spec.directKey ?? null, spec.createdBy, now],
  );
  if (rowCount === 0) throw new AppError('ERR_CONFLICT', 'a channel with this id exists');
  const channel = { id: channelId, org_id: spec.orgId };
  const seqs: number[] = [];
  for (const member of spec.members) {
    seqs.push(await addMember(tx, channel, member.personId, member.role, spec.createdBy, now, member.proof));
  }
  // Founding members were all there from the start: each sees the whole creation.
  await tx.query('UPDATE channel_members SET joined_seq = 1 WHERE channel_id = $1', [channelId]);
  return { channelId, seqs };
}

/** Adds (or re-adds) a member; they see the log from their own `member_added` event on. */
export async function addMember(
  tx: Queryable,
  channel: { id: string; org_id: string },
  personId: string,
  role: ChannelRole,
  byPersonId: string | null,
  now: Date,
  /** The adder's signature (crypto SPEC §13.5), relayed to every reader as it came. */
  proof?: MembershipProof,
): Promise<number> {
  const seq = await appendEvent(
    tx,
    channel,
    { kind: 'member_added', data: { personId, role, byPersonId, ...(proof ? { proof } : {}) } },
    now,
  );
  await tx.query(
    `INSERT INTO channel_members (channel_id, org_id, person_id, role, joined_seq) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (channel_id, person_id) DO UPDATE SET role = EXCLUDED.role, joined_seq = EXCLUDED.joined_seq, left_seq = NULL`,
    [channel.id, channel.org_id, personId, role, seq],
  );
  return seq;
}

export async function removeMember(
  tx: Queryable,
  channel: { id: string; org_id: string },
  personId: string,
  byPersonId: string,
  now: Date,
): Promise<number> {
  const seq = await appendEvent(tx, channel, { kind: 'member_removed', data: { personId, byPersonId } }, now);
  const { rowCount } = await tx.query(
    'UPDATE channel_members SET left_seq = $3 WHERE channel_id = $1 AND person_id = $2 AND left_seq IS NULL',
    [channel.id, personId, seq],
  );
  if (rowCount === 0) throw new AppError('ERR_NOT_FOUND', 'not a member');
  return seq;
}

export async function activeMemberIds(db: Queryable, channelId: string): Promise<string[]> {
  const { rows } = await db.query<{ person_id: string }>(
    'SELECT person_id FROM channel_members WHERE channel_id = $1 AND left_seq IS NULL ORDER BY person_id',
    [channelId],
  );
  return rows.map((row) => row.person_id);
}

/** The devices an envelope must address: every active device of every current member. */
export async function memberDevices(db: Queryable, channelId: string): Promise<ChannelDevice[]> {
  const { rows } = await db.query<{ id: string; person_id: string; identity_key: Uint8Array }>(
    `SELECT d.id, d.person_id, d.identity_key
       FROM channel_members m JOIN devices d ON d.person_id = m.person_id AND d.org_id = m.org_id
      WHERE m.channel_id = $1 AND m.left_seq IS NULL AND d.revoked_at IS NULL
      ORDER BY d.person_id, d.id`,
    [channelId],
  );
  return rows.map((row) => ({
    deviceId: row.id,
    personId: row.person_id,
    identityKey: toBase64Url(row.identity_key),
  }));
}

/** Whether two people are both current members of some channel. */
export async function shareAChannel(db: Queryable, a: string, b: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT 1 FROM channel_members x JOIN channel_members y ON x.channel_id = y.channel_id
      WHERE x.person_id = $1 AND y.person_id = $2 AND x.left_seq IS NULL AND y.left_seq IS NULL LIMIT 1`,
    [a, b],
  );
  return rows.length > 0;
}

type ListedChannelRow = ChannelRow & {
  joined_seq: number;
  delivered_seq: number | null;
  read_seq: number | null;
  members: Array<{ personId: string; displayName: string; role: ChannelRole }>;
};

const toChannel = (row: ListedChannelRow): Channel => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  members: row.members,
  lastSeq: row.last_seq,
  deliveredSeq: row.delivered_seq ?? 0,
  readSeq: row.read_seq ?? 0,
  joinedSeq: row.joined_seq,
  disappearingSeconds: row.disappearing_seconds,
  announcementsOnly: row.announcements_only,
  createdAt: row.created_at.toISOString(),
});

const LIST_CHANNELS = `
  SELECT c.*, me.joined_seq, cur.delivered_seq, cur.read_seq,
         (SELECT coalesce(json_agg(json_build_object('personId', p.id, 'displayName', p.display_name, 'role', m.role)
                                   ORDER BY p.display_name), '[]'::json)
            FROM channel_members m JOIN people p ON p.id = m.person_id
           WHERE m.channel_id = c.id AND m.left_seq IS NULL) AS members
    FROM channel_members me
    JOIN channels c ON c.id = me.channel_id
    LEFT JOIN device_channel_cursors cur ON cur.channel_id = c.id AND cur.device_id = $3
   WHERE me.person_id = $1 AND me.org_id = $2 AND me.left_seq IS NULL`;

export async function listChannels(
  db: Queryable,
  caller: { orgId: string; personId: string; deviceId: string },
): Promise<Channel[]> {
  const { rows } = await db.query<ListedChannelRow>(`${LIST_CHANNELS} ORDER BY c.created_at`, [
    caller.personId,
    caller.orgId,
    caller.deviceId,
  ]);
  return rows.map(toChannel);
}

export async function getChannel(
  db: Queryable,
  caller: { orgId: string; personId: string; deviceId: string },
  channelId: string,
): Promise<Channel> {
  await requireMembership(db, caller, channelId);
  const { rows } = await db.query<ListedChannelRow>(`${LIST_CHANNELS} AND c.id = $4`, [
    caller.personId,
    caller.orgId,
    caller.deviceId,
    channelId,
  ]);
  return toChannel(rows[0]!);
}

/**
 * Locks the rows of several channels (in id order, so two batches never deadlock) until the
 * transaction ends; the send batch's {@link lockChannel}.
 */
export async function lockChannels(
  db: Queryable,
  channelIds: readonly string[],
): Promise<Map<string, ChannelRow>> {
  const { rows } = await db.query<ChannelRow>(
    'SELECT * FROM channels WHERE id = ANY($1::uuid[]) ORDER BY id FOR NO KEY UPDATE',
    [[...channelIds]],
  );
  return new Map(rows.map((row) => [row.id, row]));
}

/** A channel's current members (their roles) and their active devices, as a send checks them. */
export interface ChannelAudience {
  roles: Map<string, ChannelRole>;
  devices: Array<{ deviceId: string; personId: string }>;
}

/**
 * The audience of each channel, in one statement. Read after {@link lockChannels} in the same
 * transaction, so (as with {@link requireMembership}) a removal that committed while the
 * lock was awaited is seen.
 */
export async function channelAudiences(
  db: Queryable,
  channelIds: readonly string[],
): Promise<Map<string, ChannelAudience>> {
  const { rows } = await db.query<{
    channel_id: string;
    person_id: string;
    role: ChannelRole;
    device_id: string | null;
  }>(
    `SELECT m.channel_id, m.person_id, m.role, d.id AS device_id
       FROM channel_members m
       LEFT JOIN devices d ON d.person_id = m.person_id AND d.org_id = m.org_id AND d.revoked_at IS NULL
      WHERE m.channel_id = ANY($1::uuid[]) AND m.left_seq IS NULL
      ORDER BY m.channel_id, m.person_id, d.id`,
    [[...channelIds]],
  );
  const audiences = new Map<string, ChannelAudience>();
  for (const row of rows) {
    let audience = audiences.get(row.channel_id);
    if (!audience) {
      audience = { roles: new Map(), devices: [] };
      audiences.set(row.channel_id, audience);
    }
    audience.roles.set(row.person_id, row.role);
    if (row.device_id) audience.devices.push({ deviceId: row.device_id, personId: row.person_id });
  }
  return audiences;
}
