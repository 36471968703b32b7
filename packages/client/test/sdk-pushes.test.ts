import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { clientEvents, serverEvents, type ServerEventName } from '@spreekuur/protocol/realtime';
import { rooms } from '@spreekuur/server';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import type { SpreekuurClient } from '../src/index.ts';
import { sdkPerson } from './sdk-fixtures.ts';

describe('socket events are typed and parsed from the protocol', () => {
  let gateway: TestGateway;
  let client: SpreekuurClient;
  let deviceId: string;

  beforeAll(async () => {
    gateway = await startGateway();
    const { worker, team } = await seedOrganisation(gateway, 'pushes');
    client = await sdkPerson(gateway, worker, team.id, 'Sanne');
    deviceId = client.account.deviceId;
  });
  afterAll(async () => {
    await client?.close();
    await gateway?.close();
  });

  it('declares a zod schema for every event in both directions', () => {
    for (const schema of Object.values(serverEvents)) expect(schema).toBeInstanceOf(z.ZodType);
    for (const { payload, ack } of Object.values(clientEvents)) {
      expect(payload).toBeInstanceOf(z.ZodType);
      expect(ack).toBeInstanceOf(z.ZodType);
    }
  });

  /** Pushes something the protocol does not allow, as a broken or hostile server would. */
  const pushRaw = (event: string, payload: unknown) =>
    (gateway.app.realtime.io.to(rooms.device(deviceId)).emit as (e: string, p: unknown) => boolean)(
      event,
      payload,
    );

  it.each(Object.keys(serverEvents) as ServerEventName[])(
    'drops a malformed %s push and reports it, instead of acting on it',
    async (event) => {
      const reported = new Promise<{ code: string; message: string }>((resolve) =>
        client.once('error', resolve),
      );
      const relayed: unknown[] = [];
      const off = ['message', 'receipt', 'typing', 'presence', 'queue', 'queue-entry', 'notification'].map(
        (name) => {
          const listener = (value: unknown) => relayed.push(value);
          client.on(name as 'message', listener);
          return () => client.off(name as 'message', listener);
        },
      );
      pushRaw(event, { unexpected: 'shape', seq: 'not a number' });
      expect(await reported).toEqual({ code: 'ERR_CLIENT_BAD_RESPONSE', message: `malformed ${event} push` });
      for (const stop of off) stop();
      expect(relayed).toEqual([]);
      expect(client.online).toBe(true);
    },
  );

  it('hands a well-formed push to the app as its typed event', async () => {
    const typing = { channelId: crypto.randomUUID(), personId: crypto.randomUUID(), typing: true };
    const received = new Promise((resolve) => client.once('typing', resolve));
    pushRaw('chat:typing', typing);
    expect(await received).toEqual(typing);
  });
});
