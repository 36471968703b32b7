import type { Database } from '@spreekuur/db';
import type { Principal } from '@spreekuur/server';
import type { Delivery } from '../delivery/delivery.ts';
import { requireMembership } from '../store/channel-store.ts';

/** "Is typing…": passed on to the other members at once, never stored. */
export class TypingService {
  constructor(
    private readonly db: Database,
    private readonly delivery: Delivery,
  ) {}

  async set(principal: Principal, channelId: string, typing: boolean): Promise<void> {
    await requireMembership(this.db, principal, channelId);
    await this.delivery.emitToMembers(
      channelId,
      'chat:typing',
      { channelId, personId: principal.personId, typing },
      principal.personId,
    );
  }
}
