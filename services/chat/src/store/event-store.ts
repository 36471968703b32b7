import type { Queryable } from '@spreekuur/db';
import { membershipProof, moderationChange, type ChannelEvent } from '@spreekuur/protocol/chat';
import { toBase64Url } from '@spreekuur/protocol/common';

/**
 * The channel log: `channel_events` (one row per entry, numbered per channel) and
 * `channel_event_payloads` (a pairwise message's ciphertext for each recipient device).
 */

/** A row of channel_events, possibly joined with one device's pairwise payload. */
export interface EventRow extends Record<string, unknown> {
  channel_id: string;
  seq: number;
  kind: ChannelEvent['kind'];
  sender_person_id: string | null;
  sender_device_id: string | null;
  client_id: string | null;
  envelope_kind: 'pairwise' | 'group' | null;
  group_ciphertext: Uint8Array | null;
  replaces_seq: number | null;
  data: Record<string, unknown>;
  created_at: Date;
  expires_at: Date | null;
  deleted_at: Date | null;
  device_ciphertext?: Uint8Array | null;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const strOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** How one device sees a log entry: its own ciphertext only, nothing once deleted. */
export function toChannelEvent(row: EventRow, deviceCiphertext: Uint8Array | null | undefined): ChannelEvent {
  const base = { channelId: row.channel_id, seq: row.seq, createdAt: row.created_at.toISOString() };
  switch (row.kind) {
    case 'message': {
      const deleted = row.deleted_at !== null;
      const ciphertext = deleted
        ? null
        : row.envelope_kind === 'group'
          ? row.group_ciphertext
          : (deviceCiphertext ?? null);
      return {
        ...base,
        kind: 'message',
        senderPersonId: row.sender_person_id!,
        senderDeviceId: row.sender_device_id!,
        clientId: row.client_id!,
        envelopeKind: row.envelope_kind!,
        ciphertext: ciphertext ? toBase64Url(ciphertext) : null,
        replacesSeq: row.replaces_seq,
        fileIds: Array.isArray(row.data.fileIds) ? (row.data.fileIds as string[]) : [],
        expiresAt: row.expires_at ? row.expires_at.toISOString() : null,
        deleted,
        // Moderation (franking, SPEC §14): kept in `data` when the envelope carried one.
        ...(typeof row.data.frankingCommitment === 'string'
          ? { frankingCommitment: row.data.frankingCommitment }
          : {}),
      };
    }
    case 'member_added':
      return {
        ...base,
        kind: 'member_added',
        personId: str(row.data.personId),
        role: row.data.role === 'owner' || row.data.role === 'moderator' ? row.data.role : 'member',
        byPersonId: strOrNull(row.data.byPersonId),
        // Crypto SPEC §13.5: the adder's signature, as its client sent it (checked by readers).
        ...(membershipProof.safeParse(row.data.proof).success
          ? { proof: membershipProof.parse(row.data.proof) }
          : {}),
      };
    case 'member_removed':
      return {
        ...base,
        kind: 'member_removed',
        personId: str(row.data.personId),
        byPersonId: strOrNull(row.data.byPersonId),
      };
    case 'message_deleted':
      return {
        ...base,
        kind: 'message_deleted',
        targetSeq: typeof row.data.targetSeq === 'number' ? row.data.targetSeq : 0,
        byPersonId: str(row.data.byPersonId),
      };
    case 'settings_changed':
      return {
        ...base,
        kind: 'settings_changed',
        disappearingSeconds:
          typeof row.data.disappearingSeconds === 'number' ? row.data.disappearingSeconds : null,
        byPersonId: str(row.data.byPersonId),
      };
    case 'moderation':
      // Written by services/chat/src/moderation only, from the same schema.
      return {
        ...base,
        kind: 'moderation',
        change: moderationChange.parse(row.data.change),
        byPersonId: str(row.data.byPersonId),
      };
  }
}

export async function loadEventRow(db: Queryable, channelId: string, seq: number): Promise<EventRow> {
  const { rows } = await db.query<EventRow>(
    'SELECT * FROM channel_events WHERE channel_id = $1 AND seq = $2',
    [channelId, seq],
  );
  return rows[0]!;
}

export interface NewEvent {
  kind: 'message' | 'member_added' | 'member_removed' | 'message_deleted' | 'settings_changed' | 'moderation';
  senderPersonId?: string | null;
  senderDeviceId?: string | null;
  clientId?: string | null;
  envelopeKind?: 'pairwise' | 'group' | null;
  groupCiphertext?: Uint8Array | null;
  recipientDevices?: string[] | null;
  replacesSeq?: number | null;
  data?: Record<string, unknown>;
  expiresAt?: Date | null;
}

/**
 * Appends to a channel's log with the next sequence number. Must run in a transaction:
 * the channel row is locked until commit, so numbers are gapless and in commit order.
 */
export async function appendEvent(
  tx: Queryable,
  channel: { id: string; org_id: string },
  event: NewEvent,
  now: Date,
): Promise<number> {
  return (await appendEventRow(tx, channel, event, now)).seq;
}

/** As {@link appendEvent}, returning the stored row (built here, not read back). */
export async function appendEventRow(
  tx: Queryable,
  channel: { id: string; org_id: string },
  event: NewEvent,
  now: Date,
): Promise<EventRow> {
  const { rows } = await tx.query<{ last_seq: number }>(
    'UPDATE channels SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq',
    [channel.id],
  );
  const row = eventRow(channel.id, rows[0]!.last_seq, event, now);
  await insertEventRows(tx, [
    { row, orgId: channel.org_id, recipientDevices: event.recipientDevices ?? null },
  ]);
  return row;
}

/** The row an event becomes at `seq` (what is stored, and what is pushed). */
export function eventRow(channelId: string, seq: number, event: NewEvent, now: Date): EventRow {
  return {
    channel_id: channelId,
    seq,
    kind: event.kind,
    sender_person_id: event.senderPersonId ?? null,
    sender_device_id: event.senderDeviceId ?? null,
    client_id: event.clientId ?? null,
    envelope_kind: event.envelopeKind ?? null,
    group_ciphertext: event.groupCiphertext ?? null,
    replaces_seq: event.replacesSeq ?? null,
    data: event.data ?? {},
    created_at: now,
    expires_at: event.expiresAt ?? null,
    deleted_at: null,
  };
}

/** An event row to insert, with what is stored but not part of {@link EventRow}. */
export interface EventInsert {
  row: EventRow;
  orgId: string;
  recipientDevices: string[] | null;
}

/**
 * The stored columns of channel_events and where each value comes from: the one list both
 * the single append and the batch insert use, so a new column is added in one place.
 */
const EVENT_COLUMNS: ReadonlyArray<readonly [string, (event: EventInsert) => unknown]> = [
  ['channel_id', (e) => e.row.channel_id],
  ['seq', (e) => e.row.seq],
  ['org_id', (e) => e.orgId],
  ['kind', (e) => e.row.kind],
  ['sender_person_id', (e) => e.row.sender_person_id],
  ['sender_device_id', (e) => e.row.sender_device_id],
  ['client_id', (e) => e.row.client_id],
  ['envelope_kind', (e) => e.row.envelope_kind],
  ['group_ciphertext', (e) => e.row.group_ciphertext],
  ['recipient_devices', (e) => e.recipientDevices],
  ['replaces_seq', (e) => e.row.replaces_seq],
  ['data', (e) => JSON.stringify(e.row.data)],
  ['created_at', (e) => e.row.created_at],
  ['expires_at', (e) => e.row.expires_at],
];

/** PostgreSQL takes at most 65,535 parameters per statement; stay well below. */
const MAX_PARAMETERS = 30_000;

/** Multi-row `INSERT … VALUES`, split into statements below the parameter limit. */
async function insertRows(
  tx: Queryable,
  table: string,
  columns: readonly string[],
  rows: ReadonlyArray<readonly unknown[]>,
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values: unknown[] = [];
    const tuples = chunk.map((row) => {
      const first = values.length;
      values.push(...row);
      return `(${row.map((_, i) => `$${first + i + 1}`).join(', ')})`;
    });
    await tx.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, values);
  }
}

/** Inserts log entries whose seqs were allocated (the channels locked) in this transaction. */
export async function insertEventRows(tx: Queryable, events: readonly EventInsert[]): Promise<void> {
  if (events.length === 0) return;
  await insertRows(
    tx,
    'channel_events',
    EVENT_COLUMNS.map(([column]) => column),
    events.map((event) => EVENT_COLUMNS.map(([, value]) => value(event))),
  );
}

/** A pairwise message's ciphertexts, all in one statement. */
export async function insertPayloads(
  tx: Queryable,
  channelId: string,
  seq: number,
  payloads: ReadonlyMap<string, Uint8Array>,
): Promise<void> {
  await insertPayloadRows(
    tx,
    [...payloads].map(([deviceId, ciphertext]) => ({ channelId, seq, deviceId, ciphertext })),
  );
}

/** One recipient device's ciphertext of a pairwise message. */
export interface PayloadRow {
  channelId: string;
  seq: number;
  deviceId: string;
  ciphertext: Uint8Array;
}

/** Pairwise ciphertexts of any number of messages, in as few statements as the parameter limit allows. */
export async function insertPayloadRows(tx: Queryable, payloads: readonly PayloadRow[]): Promise<void> {
  if (payloads.length === 0) return;
  await insertRows(
    tx,
    'channel_event_payloads',
    ['channel_id', 'seq', 'recipient_device_id', 'ciphertext'],
    payloads.map((p) => [p.channelId, p.seq, p.deviceId, p.ciphertext]),
  );
}

/** Sets each channel's last_seq after a batch allocated numbers in it (its row is locked). */
export async function setLastSeqs(tx: Queryable, lastSeqs: ReadonlyMap<string, number>): Promise<void> {
  if (lastSeqs.size === 0) return;
  const values: unknown[] = [];
  const tuples = [...lastSeqs].map(([channelId, seq]) => {
    values.push(channelId, seq);
    return `($${values.length - 1}::uuid, $${values.length}::bigint)`;
  });
  await tx.query(
    `UPDATE channels SET last_seq = v.last_seq FROM (VALUES ${tuples.join(', ')}) AS v(id, last_seq) WHERE channels.id = v.id`,
    values,
  );
}

/** Key of a send for idempotency: channel, sending device, clientId. */
export const sendKey = (channelId: string, deviceId: string, clientId: string) =>
  `${channelId} ${deviceId} ${clientId}`;

/** The messages already stored under any of these (channel, device, clientId) keys, by {@link sendKey}. */
export async function findByClientIds(
  db: Queryable,
  keys: ReadonlyArray<{ channelId: string; deviceId: string; clientId: string }>,
): Promise<Map<string, { seq: number; createdAt: Date }>> {
  const found = new Map<string, { seq: number; createdAt: Date }>();
  if (keys.length === 0) return found;
  const values: unknown[] = [];
  const tuples = keys.map((key) => {
    values.push(key.channelId, key.deviceId, key.clientId);
    return `($${values.length - 2}::uuid, $${values.length - 1}::uuid, $${values.length}::text)`;
  });
  const { rows } = await db.query<{
    channel_id: string;
    sender_device_id: string;
    client_id: string;
    seq: number;
    created_at: Date;
  }>(
    `SELECT e.channel_id, e.sender_device_id, e.client_id, e.seq, e.created_at
       FROM channel_events e JOIN (VALUES ${tuples.join(', ')}) AS k(channel_id, device_id, client_id)
         ON e.channel_id = k.channel_id AND e.sender_device_id = k.device_id AND e.client_id = k.client_id`,
    values,
  );
  for (const row of rows)
    found.set(sendKey(row.channel_id, row.sender_device_id, row.client_id), {
      seq: row.seq,
      createdAt: row.created_at,
    });
  return found;
}

/** The message a device stored under a clientId in a channel, if any (for resends). */
export async function findByClientId(
  db: Queryable,
  channelId: string,
  senderDeviceId: string,
  clientId: string,
): Promise<{ seq: number; createdAt: Date } | null> {
  const { rows } = await db.query<{ seq: number; created_at: Date }>(
    `SELECT seq, created_at FROM channel_events WHERE channel_id = $1 AND sender_device_id = $2 AND client_id = $3`,
    [channelId, senderDeviceId, clientId],
  );
  return rows[0] ? { seq: rows[0].seq, createdAt: rows[0].created_at } : null;
}

/** A message of the log (not another kind of entry) at or after `fromSeq`. */
export async function findMessage(
  db: Queryable,
  channelId: string,
  seq: number,
  fromSeq: number,
): Promise<EventRow | undefined> {
  const { rows } = await db.query<EventRow>(
    `SELECT * FROM channel_events WHERE channel_id = $1 AND seq = $2 AND kind = 'message' AND seq >= $3`,
    [channelId, seq, fromSeq],
  );
  return rows[0];
}

/**
 * Entries `after < seq`, within `[fromSeq, toSeq]`, each with this device's own pairwise
 * ciphertext (if it was addressed).
 */
export async function readLog(
  db: Queryable,
  channelId: string,
  range: { deviceId: string; after: number; limit: number; fromSeq: number; toSeq: number },
): Promise<EventRow[]> {
  const { rows } = await db.query<EventRow>(
    `SELECT e.*, p.ciphertext AS device_ciphertext
       FROM channel_events e
       LEFT JOIN channel_event_payloads p
              ON p.channel_id = e.channel_id AND p.seq = e.seq AND p.recipient_device_id = $4
      WHERE e.channel_id = $1 AND e.seq > $2 AND e.seq >= $5 AND e.seq <= $6
      ORDER BY e.seq LIMIT $3`,
    [channelId, range.after, range.limit, range.deviceId, range.fromSeq, range.toSeq],
  );
  return rows;
}

export interface MessageRef {
  channelId: string;
  seq: number;
}

/** Locks up to 1000 messages whose timer ran out (rows other nodes hold are skipped). */
export async function lockExpiredMessages(tx: Queryable, now: Date): Promise<MessageRef[]> {
  const { rows } = await tx.query<{ channel_id: string; seq: number }>(
    `SELECT channel_id, seq FROM channel_events
      WHERE expires_at <= $1 AND deleted_at IS NULL ORDER BY expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED`,
    [now],
  );
  return rows.map((row) => ({ channelId: row.channel_id, seq: row.seq }));
}

/**
 * Removes the ciphertext of messages, keeping each log entry as "deleted"; returns the ids of
 * the files they attached.
 */
export async function eraseMessageContent(
  tx: Queryable,
  targets: readonly MessageRef[],
  now: Date,
): Promise<string[]> {
  const fileIds: string[] = [];
  for (const { channelId, seq } of targets) {
    const { rows } = await tx.query<{ data: { fileIds?: string[] } }>(
      `UPDATE channel_events SET deleted_at = $3, group_ciphertext = NULL
        WHERE channel_id = $1 AND seq = $2 AND deleted_at IS NULL RETURNING data`,
      [channelId, seq, now],
    );
    await tx.query('DELETE FROM channel_event_payloads WHERE channel_id = $1 AND seq = $2', [channelId, seq]);
    fileIds.push(...(rows[0]?.data.fileIds ?? []));
  }
  return fileIds;
}

/** Who sent the message at `seq` (undefined: there is no message there). */
export async function senderOfMessage(
  db: Queryable,
  channelId: string,
  seq: number,
): Promise<string | null | undefined> {
  const { rows } = await db.query<{ sender_person_id: string | null }>(
    `SELECT sender_person_id FROM channel_events WHERE channel_id = $1 AND seq = $2 AND kind = 'message'`,
    [channelId, seq],
  );
  return rows[0] ? rows[0].sender_person_id : undefined;
}
