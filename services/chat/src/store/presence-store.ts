import type { Redis } from 'ioredis';
import type { PresenceStatus } from '@spreekuur/protocol/chat';

export type ConnectionStatus = Exclude<PresenceStatus, 'offline'>;

/**
 * Who is connected, per person, counted by socket: one port with an in-process and a Redis
 * implementation (house style §4, ../shared/STYLE.md). Presence may be lost: after a node dies its entries expire
 * within the TTL, and a person simply shows as offline until they reconnect.
 */
export interface PresenceStore {
  set(personId: string, socketId: string, status: ConnectionStatus): Promise<void>;
  remove(personId: string, socketId: string): Promise<void>;
  /** Aggregated status: online if any socket is online, else away if any is, else offline. */
  statusOf(personIds: readonly string[]): Promise<Map<string, PresenceStatus>>;
}

export const PRESENCE_TTL_MS = 90_000;

function aggregate(statuses: Iterable<ConnectionStatus>): PresenceStatus {
  let result: PresenceStatus = 'offline';
  for (const status of statuses) {
    if (status === 'online') return 'online';
    result = 'away';
  }
  return result;
}

export class MemoryPresenceStore implements PresenceStore {
  private readonly people = new Map<string, Map<string, ConnectionStatus>>();

  async set(personId: string, socketId: string, status: ConnectionStatus): Promise<void> {
    const sockets = this.people.get(personId) ?? new Map<string, ConnectionStatus>();
    sockets.set(socketId, status);
    this.people.set(personId, sockets);
  }

  async remove(personId: string, socketId: string): Promise<void> {
    const sockets = this.people.get(personId);
    sockets?.delete(socketId);
    if (sockets?.size === 0) this.people.delete(personId);
  }

  async statusOf(personIds: readonly string[]): Promise<Map<string, PresenceStatus>> {
    return new Map(
      personIds.map((personId) => [personId, aggregate(this.people.get(personId)?.values() ?? [])]),
    );
  }
}

/**
 * A hash per person: field = socket id, value = `status|expiresAtMs`. Entries are rewritten
 * on every heartbeat; expired ones are ignored (and cleaned) when read.
 */
export class RedisPresenceStore implements PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  private key(personId: string) {
    return `${this.prefix}:presence:${personId}`;
  }

  async set(personId: string, socketId: string, status: ConnectionStatus): Promise<void> {
    const key = this.key(personId);
    await this.redis
      .multi()
      .hset(key, socketId, `${status}|${this.now() + PRESENCE_TTL_MS}`)
      .pexpire(key, PRESENCE_TTL_MS)
      .exec();
  }

  async remove(personId: string, socketId: string): Promise<void> {
    await this.redis.hdel(this.key(personId), socketId);
  }

  async statusOf(personIds: readonly string[]): Promise<Map<string, PresenceStatus>> {
    const result = new Map<string, PresenceStatus>();
    const now = this.now();
    for (const personId of personIds) {
      const entries = await this.redis.hgetall(this.key(personId));
      const live: ConnectionStatus[] = [];
      const expired: string[] = [];
      for (const [socketId, value] of Object.entries(entries)) {
        const [status, expiresAt] = value.split('|');
        if (Number(expiresAt) > now && (status === 'online' || status === 'away')) live.push(status);
        else expired.push(socketId);
      }
      if (expired.length > 0) await this.redis.hdel(this.key(personId), ...expired);
      result.set(personId, aggregate(live));
    }
    return result;
  }
}
