import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '@spreekuur/testing/http';
import { connect, waitFor } from '@spreekuur/testing/socket';
import { addPerson, cast, count, startChat, type ErrorBody, type Person, type TestChat } from './fixtures.ts';

/** The key directory: one-time prekeys handed out once, missing keys, per-caller limits. */
let chat: TestChat;
beforeAll(async () => {
  chat = await startChat();
});
afterAll(() => chat.close());

describe('key directory', () => {
  it('hands out each one-time prekey exactly once, also to concurrent fetches, and warns the owner when low', async () => {
    const { worker, resident } = await cast(chat, 'prekeys');
    const socket = connect(chat, resident.token);
    await waitFor(socket, 'connect');
    const low = waitFor<{ remaining: number }>(socket, 'keys:low');
    const fetches = await Promise.all(
      Array.from({ length: 8 }, () =>
        api<{ bundles: Array<{ oneTimePrekey: { id: number } | null }> }>(
          chat,
          worker,
          'POST',
          '/v1/keys/bundles',
          { deviceIds: [resident.deviceId] },
        ),
      ),
    );
    const handedOut = fetches
      .map((f) => f.body.bundles[0]!.oneTimePrekey?.id)
      .filter((id) => id !== undefined);
    expect(handedOut.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(fetches.filter((f) => f.body.bundles[0]!.oneTimePrekey === null)).toHaveLength(3);
    expect((await low).remaining).toBeLessThan(20);
    socket.close();
  });

  it('refuses bundles of a device that published no keys, with a clear code', async () => {
    const org = await cast(chat, 'no-keys');
    const { worker, resident } = org;
    const fresh = await addPerson(chat, org, 'resident', 'Test Persoon');
    const oneTimeLeft = (deviceId: string) =>
      count(chat, 'SELECT count(*)::int AS n FROM device_one_time_prekeys WHERE device_id = $1', [deviceId]);
    const before = await oneTimeLeft(resident.deviceId);
    // A batch that fails uses up nobody's one-time prekeys, whatever its order.
    const response = await api<ErrorBody>(chat, worker, 'POST', '/v1/keys/bundles', {
      deviceIds: [resident.deviceId, fresh.deviceId],
    });
    expect(response.body.error.code).toBe('ERR_KEYS_NOT_PUBLISHED');
    expect(await oneTimeLeft(resident.deviceId)).toBe(before);
  });

  it('limits bundle fetches per signed-in caller, not per address', async () => {
    const { worker, admin, resident } = await cast(chat, 'bundle-limit');
    const fetch = (actor: Person) =>
      api<ErrorBody>(chat, actor, 'POST', '/v1/keys/bundles', { deviceIds: [resident.deviceId] });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await fetch(worker)).status);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const refused = await fetch(worker);
    expect([refused.status, refused.body.error.code]).toEqual([429, 'ERR_RATE_LIMITED']);
    expect((await fetch(admin)).status).toBe(200); // same address, another caller
  });
});
