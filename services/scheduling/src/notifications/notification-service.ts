import type { Database } from '@spreekuur/db';
import type { SchedulingNotification } from '@spreekuur/protocol/scheduling';
import type { Principal } from '@spreekuur/server';
import { listNotifications, markRead } from '../store/notification-store.ts';

/** A person's own in-app notifications. */
export class NotificationService {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
  ) {}

  list(principal: Principal, unreadOnly: boolean): Promise<SchedulingNotification[]> {
    return listNotifications(this.db, principal, unreadOnly);
  }

  async markRead(principal: Principal, ids: readonly string[]): Promise<{ marked: number }> {
    return { marked: await markRead(this.db, principal, ids, this.clock()) };
  }
}
