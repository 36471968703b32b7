import { randomUUID } from 'node:crypto';
import type { Queryable } from '@spreekuur/db';
import {
  schedulingNotification,
  type SchedulingNotification,
  type SchedulingNotificationKind,
} from '@spreekuur/protocol/scheduling';
import { toUtcIso } from '../domain/index.ts';

/** The kind-specific fields of a notification (ids and times only, never content). */
type NotificationData<K extends SchedulingNotificationKind = SchedulingNotificationKind> = Omit<
  Extract<SchedulingNotification, { kind: K }>,
  'id' | 'kind' | 'createdAt' | 'readAt'
>;

export interface NewNotification<K extends SchedulingNotificationKind = SchedulingNotificationKind> {
  readonly orgId: string;
  readonly personId: string;
  readonly kind: K;
  readonly data: NotificationData<K>;
  /** Makes a repeated job (or a repeated transition) notify once. */
  readonly dedupeKey?: string;
}

type NotificationRow = {
  id: string;
  kind: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
};

function toNotification(row: NotificationRow): SchedulingNotification {
  return schedulingNotification.parse({
    ...row.data,
    id: row.id,
    kind: row.kind,
    createdAt: toUtcIso(row.created_at),
    readAt: row.read_at === null ? null : toUtcIso(row.read_at),
  });
}

/** Stores a notification; null when one with the same dedupe key exists already. */
export async function insertNotification(
  tx: Queryable,
  notification: NewNotification,
  now: Date,
): Promise<SchedulingNotification | null> {
  const { rows } = await tx.query<NotificationRow>(
    `INSERT INTO scheduling_notifications (id, org_id, person_id, kind, data, dedupe_key, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING id, kind, data, created_at, read_at`,
    [
      randomUUID(),
      notification.orgId,
      notification.personId,
      notification.kind,
      JSON.stringify(notification.data),
      notification.dedupeKey ?? null,
      now,
    ],
  );
  return rows[0] ? toNotification(rows[0]) : null;
}

export async function listNotifications(
  db: Queryable,
  person: { orgId: string; personId: string },
  unreadOnly: boolean,
): Promise<SchedulingNotification[]> {
  const { rows } = await db.query<NotificationRow>(
    `SELECT id, kind, data, created_at, read_at FROM scheduling_notifications
      WHERE org_id = $1 AND person_id = $2 AND ($3::boolean = false OR read_at IS NULL)
      ORDER BY created_at DESC, id LIMIT 200`,
    [person.orgId, person.personId, unreadOnly],
  );
  return rows.map(toNotification);
}

/** Marks the caller's own notifications read; ids of anyone else's are ignored. */
export async function markRead(
  db: Queryable,
  person: { orgId: string; personId: string },
  ids: readonly string[],
  now: Date,
): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE scheduling_notifications SET read_at = $4
      WHERE org_id = $1 AND person_id = $2 AND id = ANY($3::uuid[]) AND read_at IS NULL`,
    [person.orgId, person.personId, [...ids], now],
  );
  return rowCount;
}

export async function purgeNotifications(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM scheduling_notifications WHERE created_at < $1', [before]);
  return rowCount;
}
