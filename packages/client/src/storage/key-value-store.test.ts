import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonFileStore } from './json-file-store.ts';
import { MemoryStore, type KeyValueStore } from './key-value-store.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'spreekuur-store-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** One contract, every adapter (house style §4, ../shared/STYLE.md). */
function storeContract(name: string, make: () => KeyValueStore) {
  describe(`key-value store: ${name}`, () => {
    it('keeps JSON values, lists keys by prefix and deletes', async () => {
      const store = make();
      await store.set('sessions/a', { n: 1, bytes: 'AAEC' });
      await store.set('sessions/b', [1, 2]);
      await store.set('cursor/x', 7);
      expect(await store.get('sessions/a')).toEqual({ n: 1, bytes: 'AAEC' });
      expect((await store.keys('sessions/')).sort()).toEqual(['sessions/a', 'sessions/b']);
      await store.delete('sessions/a');
      expect(await store.get('sessions/a')).toBeUndefined();
      expect(await store.get('missing')).toBeUndefined();
    });

    it('hands out copies: changing a value read does not change the store', async () => {
      const store = make();
      await store.set('k', { list: [1] });
      const value = (await store.get<{ list: number[] }>('k'))!;
      value.list.push(2);
      expect(await store.get('k')).toEqual({ list: [1] });
    });

    it('takes many concurrent writes without losing one', async () => {
      const store = make();
      await Promise.all(Array.from({ length: 50 }, (_, i) => store.set(`k/${i}`, i)));
      expect((await store.keys('k/')).length).toBe(50);
    });
  });
}

storeContract('in memory', () => new MemoryStore());
let files = 0;
storeContract('JSON file', () => new JsonFileStore(join(dir, `store-${++files}.json`)));

describe('JSON file store on disk', () => {
  it('survives a reopen and is readable only by its owner', async () => {
    const path = join(dir, 'profile.json');
    await new JsonFileStore(path).set('account', { deviceId: 'd1' });
    expect(await new JsonFileStore(path).get('account')).toEqual({ deviceId: 'd1' });
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('lets two handles on one file write at once without failing', async () => {
    const path = join(dir, 'shared.json');
    const [a, b] = [new JsonFileStore(path), new JsonFileStore(path)];
    await expect(
      Promise.all([
        ...Array.from({ length: 20 }, (_, i) => a.set(`a${i}`, i)),
        ...Array.from({ length: 20 }, (_, i) => b.set(`b${i}`, i)),
      ]),
    ).resolves.toHaveLength(40);
    // Last writer wins across handles; what is on disk is whole, valid JSON.
    expect((await new JsonFileStore(path).keys('')).length).toBeGreaterThanOrEqual(20);
  });
});
