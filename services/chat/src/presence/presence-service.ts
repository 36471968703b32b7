import type { Database } from '@spreekuur/db';
import type { PresenceStatus } from '@spreekuur/protocol/chat';
import type { AppSocket, Principal, Realtime } from '@spreekuur/server';
import { requireMayTalkTo } from '../contacts.ts';
import { presenceHidden, setPresenceHidden } from '../store/person-store.ts';
import type { ConnectionStatus, PresenceStore } from '../store/presence-store.ts';

const presenceRoom = (personId: string) => `presence:${personId}`;
const HEARTBEAT_MS = 30_000;

/**
 * Online/away/offline per person, for those allowed to see it. Typing and presence are
 * ephemeral: nothing here is stored in PostgreSQL except a person's wish to stay hidden.
 */
export class PresenceService {
  private readonly statusBySocket = new Map<string, { personId: string; status: ConnectionStatus }>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    private readonly store: PresenceStore,
    private readonly realtime: Realtime,
  ) {
    // Keep this node's entries fresh in a shared store; entries of a crashed node expire.
    this.heartbeat = setInterval(() => {
      for (const [socketId, entry] of this.statusBySocket)
        void this.store.set(entry.personId, socketId, entry.status).catch(() => undefined);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  close(): void {
    clearInterval(this.heartbeat);
  }

  /** What others see: hidden people are always offline. */
  async visibleStatus(personIds: readonly string[]): Promise<Map<string, PresenceStatus>> {
    const statuses = await this.store.statusOf(personIds);
    for (const personId of personIds)
      if (await presenceHidden(this.db, personId)) statuses.set(personId, 'offline');
    return statuses;
  }

  private async change(personId: string, update: () => Promise<void>): Promise<void> {
    const before = (await this.visibleStatus([personId])).get(personId);
    await update();
    const after = (await this.visibleStatus([personId])).get(personId)!;
    if (after !== before)
      this.realtime.io.to(presenceRoom(personId)).emit('presence:changed', { personId, status: after });
  }

  async connected(socket: AppSocket): Promise<void> {
    const { personId } = socket.data.principal;
    this.statusBySocket.set(socket.id, { personId, status: 'online' });
    await this.change(personId, () => this.store.set(personId, socket.id, 'online'));
  }

  async disconnected(socket: AppSocket): Promise<void> {
    const { personId } = socket.data.principal;
    this.statusBySocket.delete(socket.id);
    await this.change(personId, () => this.store.remove(personId, socket.id));
  }

  async set(
    socket: AppSocket,
    request: { status?: ConnectionStatus | undefined; hidden?: boolean | undefined },
  ) {
    const { personId } = socket.data.principal;
    await this.change(personId, async () => {
      if (request.hidden !== undefined) await setPresenceHidden(this.db, personId, request.hidden);
      if (request.status) {
        this.statusBySocket.set(socket.id, { personId, status: request.status });
        await this.store.set(personId, socket.id, request.status);
      }
    });
    return {
      status: (await this.store.statusOf([personId])).get(personId)!,
      hidden: await presenceHidden(this.db, personId),
    };
  }

  /** Subscribes a socket to the presence of people the caller may talk to. */
  async watch(socket: AppSocket, principal: Principal, personIds: readonly string[]) {
    await requireMayTalkTo(this.db, principal, personIds);
    await socket.join(personIds.map(presenceRoom));
    const statuses = await this.visibleStatus(personIds);
    return { presence: personIds.map((personId) => ({ personId, status: statuses.get(personId)! })) };
  }
}
