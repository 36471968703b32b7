import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { adapterPublisher } from './adapter-publisher.ts';

/** A client that cannot send: nothing listens on port 1 and it does not queue or retry. */
const unreachable = () =>
  new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 }).on(
    'error',
    () => {},
  );

describe('the adapter publisher', () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', onUnhandled);
    unhandled.length = 0;
  });

  it('reports a PUBLISH whose promise the adapter dropped, instead of leaving it unhandled', async () => {
    process.on('unhandledRejection', onUnhandled);
    const errors: Error[] = [];
    const client = unreachable();
    const publisher = adapterPublisher(client, (error) => errors.push(error));

    void publisher.publish('spreekuur:socket.io#/#', 'rooms:released'); // as the adapter does: not awaited
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(errors).toHaveLength(1);
    expect(unhandled).toEqual([]);
    client.disconnect();
  });

  it('still rejects for a caller that awaits, and leaves every other command to the client', async () => {
    const client = unreachable();
    const publisher = adapterPublisher(client, () => {});
    await expect(publisher.publish('channel', 'x')).rejects.toThrow();
    await expect(publisher.get('key')).rejects.toThrow();
    expect(publisher.options.port).toBe(1);
    expect(publisher.status).toBe(client.status);
    client.disconnect();
  });
});
