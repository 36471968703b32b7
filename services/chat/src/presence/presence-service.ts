import type { Database } from '@spreekuur/db';
import type { PresenceStatus } from '@spreekuur/protocol/chat';
import { rooms, type AppSocket, type Principal, type Realtime } from '@spreekuur/server';
import { mayTalkToEach, requireMayTalkTo } from '../contacts.ts';
import { activeMemberIds } from '../store/channel-store.ts';
import { presenceHidden, setPresenceHidden, teamMemberIds } from '../store/person-store.ts';
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

  /**
   * A person left a channel (removed, banned, left, or moved out by the queue): the watches
   * between them and its remaining members end where they may no longer talk.
   */
  async channelLeft(orgId: string, channelId: string, personId: string): Promise<void> {
    await this.endWatchesNoLongerAllowed(orgId, personId, await activeMemberIds(this.db, channelId));
  }

  /** A person left a team: the same, towards the people of that team. */
  async teamLeft(orgId: string, teamId: string, personId: string): Promise<void> {
    await this.endWatchesNoLongerAllowed(orgId, personId, await teamMemberIds(this.db, orgId, teamId));
  }

  /**
   * A watch was allowed when it began (`watch`); once two people may no longer talk, every
   * socket of each (on every node: the adapter carries `socketsLeave`) leaves the other's room.
   */
  private async endWatchesNoLongerAllowed(
    orgId: string,
    personId: string,
    others: readonly string[],
  ): Promise<void> {
    const candidates = others.filter((other) => other !== personId);
    if (candidates.length === 0) return;
    const allowed = await mayTalkToEach(this.db, { orgId, personId }, candidates);
    for (const other of candidates) {
      if (allowed.has(other)) continue;
      this.realtime.io.in(rooms.person(personId)).socketsLeave(presenceRoom(other));
      this.realtime.io.in(rooms.person(other)).socketsLeave(presenceRoom(personId));
    }
  }
}
