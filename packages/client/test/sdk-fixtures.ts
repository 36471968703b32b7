import { invite, type Actor, type TestGateway } from '@spreekuur/gateway/testing';
import { MemoryStore, SpreekuurClient, type ChatMessage, type KeyValueStore } from '../src/index.ts';

/** A real SDK device registered with an invite made by `inviter`, connected. */
export async function sdkPerson(
  gateway: TestGateway,
  inviter: Actor,
  teamId: string,
  displayName: string,
  options: { role?: 'resident' | 'worker'; store?: KeyValueStore; fetch?: typeof fetch } = {},
): Promise<SpreekuurClient> {
  const client = await SpreekuurClient.register({
    serverUrl: gateway.url,
    store: options.store ?? new MemoryStore(),
    inviteCode: await invite(gateway, inviter, options.role ?? 'resident', teamId),
    displayName,
    deviceName: `${displayName}s telefoon`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  await client.connect();
  return client;
}

/** Collects the messages a client emits, and waits for a number of them. */
export function inbox(client: SpreekuurClient) {
  const messages: ChatMessage[] = [];
  const waiters: Array<{ count: number; resolve: () => void }> = [];
  client.on('message', (message) => {
    messages.push(message);
    for (const waiter of waiters.splice(0)) {
      if (messages.length >= waiter.count) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  return {
    messages,
    texts: () => messages.map((m) => (m.content?.type === 'text' ? m.content.text : `[${m.status}]`)),
    waitFor(count: number, timeoutMs = 15_000): Promise<void> {
      if (messages.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${messages.length} of ${count} messages arrived`)),
          timeoutMs,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}
