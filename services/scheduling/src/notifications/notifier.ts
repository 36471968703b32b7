import type { FastifyBaseLogger } from 'fastify';
import type { Queryable } from '@spreekuur/db';
import type { SchedulingNotification } from '@spreekuur/protocol/scheduling';
import { rooms, type Realtime } from '@spreekuur/server';
import { insertNotification, type NewNotification } from '../store/notification-store.ts';

/** A stored notification waiting to be pushed once its transaction has committed. */
export interface PendingPush {
  readonly orgId: string;
  readonly personId: string;
  /** Workers are pushed to only while reachable (on duty); residents always. */
  readonly audience: 'resident' | 'worker';
  readonly notification: SchedulingNotification;
}

/** Collects what a transaction wants to tell people; pushed by {@link Notifier.push} after commit. */
export class Outbox {
  readonly pushes: PendingPush[] = [];

  /** Stores the notification in `tx` (once per dedupe key) and queues its push. */
  async notify(
    tx: Queryable,
    notification: NewNotification,
    audience: PendingPush['audience'],
    now: Date,
  ): Promise<void> {
    const stored = await insertNotification(tx, notification, now);
    if (stored) {
      this.pushes.push({
        orgId: notification.orgId,
        personId: notification.personId,
        audience,
        notification: stored,
      });
    }
  }
}

/**
 * In-app notifications travel over socket.io to every device of the person, on any node. They are
 * stored first, so a person who is offline finds them in `GET /v1/scheduling/notifications`.
 * Off-duty workers get no push (README: workers are not reached outside their duty hours); the
 * notification waits in their list.
 */
export class Notifier {
  constructor(
    private readonly realtime: Realtime,
    private readonly isReachable: (orgId: string, personId: string) => Promise<boolean>,
    private readonly log: FastifyBaseLogger,
  ) {}

  async push(outbox: Outbox): Promise<void> {
    for (const item of outbox.pushes) {
      try {
        if (item.audience === 'worker' && !(await this.isReachable(item.orgId, item.personId))) continue;
        this.realtime.io.to(rooms.person(item.personId)).emit('scheduling:notification', item.notification);
      } catch (error) {
        // The notification is stored; a failed push only means it is seen on the next fetch.
        this.log.warn({ err: error, notification: item.notification.id }, 'notification push failed');
      }
    }
  }
}
