import type { Queryable } from '@spreekuur/db';
import type { ChannelEvent } from '@spreekuur/protocol/chat';
import { toBase64Url } from '@spreekuur/protocol/common';

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
      };
    }
    case 'member_added':
      return {
        ...base,
        kind: 'member_added',
        personId: str(row.data.personId),
        role: row.data.role === 'owner' || row.data.role === 'moderator' ? row.data.role : 'member',
        byPersonId: strOrNull(row.data.byPersonId),
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
  }
}

export async function loadEventRow(db: Queryable, channelId: string, seq: number): Promise<EventRow> {
  const { rows } = await db.query<EventRow>(
    'SELECT * FROM channel_events WHERE channel_id = $1 AND seq = $2',
    [channelId, seq],
  );
  return rows[0]!;
}
