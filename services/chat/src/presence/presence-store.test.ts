import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import {
  MemoryPresenceStore,
  PRESENCE_TTL_MS,
  RedisPresenceStore,
  type PresenceStore,
} from '../store/presence-store.ts';

/** One suite, run against every implementation of the port (house style §4, ../shared/STYLE.md). */
function presenceContract(name: string, make: (now: () => number) => PresenceStore, expires: boolean) {
  describe(`presence store: ${name}`, () => {
    it('aggregates sockets: online wins over away, nothing is offline', async () => {
      const store = make(Date.now);
      await store.set('p1', 's1', 'away');
      expect((await store.statusOf(['p1'])).get('p1')).toBe('away');
      await store.set('p1', 's2', 'online');
      expect((await store.statusOf(['p1'])).get('p1')).toBe('online');
      await store.remove('p1', 's2');
      expect((await store.statusOf(['p1'])).get('p1')).toBe('away');
      await store.remove('p1', 's1');
      expect(await store.statusOf(['p1', 'nobody'])).toEqual(
        new Map([
          ['p1', 'offline'],
          ['nobody', 'offline'],
        ]),
      );
    });

    it.runIf(expires)('forgets sockets of a node that stopped refreshing them', async () => {
      let clock = Date.now();
      const store = make(() => clock);
      await store.set('p2', 's1', 'online');
      clock += PRESENCE_TTL_MS + 1;
      expect((await store.statusOf(['p2'])).get('p2')).toBe('offline');
    });
  });
}

presenceContract('in-process', () => new MemoryPresenceStore(), false);

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const redis = new Redis(redisUrl);
  const prefix = `test-${randomBytes(6).toString('hex')}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });
  presenceContract('Redis', (now) => new RedisPresenceStore(redis, prefix, now), true);
}
