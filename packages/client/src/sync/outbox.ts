import { toBase64Url, utf8Encode } from '@spreekuur/crypto/encoding';
import { z } from 'zod';
import { prekeyBundle, type ChannelDevice, type SendAck, type SendMessage } from '@spreekuur/protocol/chat';
import type { MessageContent } from '@spreekuur/protocol/content';
import type { GroupKeys } from '../crypto/group-keys.ts';
import type { PairwiseSessions } from '../crypto/pairwise-sessions.ts';
import { isRetryable, isSpreekuurError, SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { DeviceDirectory } from './device-directory.ts';

type OutgoingContent = MessageContent | { type: 'sender_key'; distribution: string };

interface OutboxEntry {
  clientId: string;
  channelId: string;
  content: OutgoingContent;
  replacesSeq?: number | undefined;
  fileIds?: string[] | undefined;
  createdAt: number;
  /** The encrypted envelope, reused on every retry so a resend is byte-for-byte the same. */
  envelope?: SendMessage | undefined;
}

export interface OutboxDeps {
  store: KeyValueStore;
  http: HttpClient;
  devices: DeviceDirectory;
  sessions: PairwiseSessions;
  groups: GroupKeys;
  /** Sends over the live socket; throws ERR_CLIENT_NETWORK/TIMEOUT when the connection is gone. */
  transport: (envelope: SendMessage) => Promise<SendAck>;
  /** Resolves when the connection is back; rejects when the client is closed. */
  waitOnline: () => Promise<void>;
  channelKind: (channelId: string) => Promise<'direct' | 'group' | 'office_hour'>;
}

const bundlesPage = z.object({ bundles: z.array(prekeyBundle) });
const MAX_DEVICE_RETRIES = 5;

/**
 * Every message goes through here, one at a time and in order. An entry is stored before
 * the first attempt and removed only when the server has acknowledged it, so a message
 * survives a dropped connection or a restart; every retry carries the same clientId, and
 * the server stores it at most once.
 */
export class Outbox {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: OutboxDeps) {}

  send(
    channelId: string,
    content: MessageContent,
    options: { replacesSeq?: number | undefined; fileIds?: string[] | undefined } = {},
  ): Promise<SendAck> {
    const entry: OutboxEntry = {
      clientId: crypto.randomUUID(),
      channelId,
      content,
      createdAt: Date.now(),
      ...options,
    };
    return this.serialise(async () => {
      await this.deps.store.set(`sent/${entry.clientId}`, { content });
      await this.deps.store.set(`outbox/${entry.clientId}`, entry);
      return this.deliver(entry);
    });
  }

  /** After reconnecting or restarting: send what was not acknowledged yet, oldest first. */
  flush(): Promise<void> {
    return this.serialise(async () => {
      const entries: OutboxEntry[] = [];
      for (const key of await this.deps.store.keys('outbox/')) {
        const entry = await this.deps.store.get<OutboxEntry>(key);
        if (entry) entries.push(entry);
      }
      for (const entry of entries.sort((a, b) => a.createdAt - b.createdAt))
        await this.deliver(entry).catch(() => undefined);
    });
  }

  async pending(): Promise<number> {
    return (await this.deps.store.keys('outbox/')).length;
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliver(entry: OutboxEntry): Promise<SendAck> {
    let deviceRetries = 0;
    for (;;) {
      if (!entry.envelope) {
        entry.envelope = await this.encrypt(entry, deviceRetries > 0);
        await this.deps.store.set(`outbox/${entry.clientId}`, entry);
      }
      try {
        const ack = await this.deps.transport(entry.envelope);
        await this.deps.store.delete(`outbox/${entry.clientId}`);
        return ack;
      } catch (error) {
        if (isSpreekuurError(error, 'ERR_CHAT_DEVICES_CHANGED') && deviceRetries < MAX_DEVICE_RETRIES) {
          // Someone added or lost a device: encrypt again for the devices there are now.
          deviceRetries++;
          entry.envelope = undefined;
          continue;
        }
        if (isRetryable(error)) {
          await this.deps.waitOnline();
          continue;
        }
        await this.deps.store.delete(`outbox/${entry.clientId}`);
        await this.deps.store.delete(`sent/${entry.clientId}`);
        if (isSpreekuurError(error, 'ERR_CHAT_DEVICES_CHANGED')) {
          throw new SpreekuurError(
            'ERR_CLIENT_DEVICES_UNSTABLE',
            'the devices in this conversation keep changing; try again',
          );
        }
        throw error;
      }
    }
  }

  private async encrypt(entry: OutboxEntry, freshDevices: boolean): Promise<SendMessage> {
    const recipients = await this.deps.devices.recipients(entry.channelId, freshDevices);
    const common = {
      channelId: entry.channelId,
      clientId: entry.clientId,
      ...(entry.replacesSeq !== undefined ? { replacesSeq: entry.replacesSeq } : {}),
      ...(entry.fileIds?.length ? { fileIds: entry.fileIds } : {}),
    };
    const kind = await this.deps.channelKind(entry.channelId);
    if (kind !== 'group' || entry.content.type === 'sender_key') {
      const plaintext = utf8Encode(JSON.stringify({ v: 1, content: entry.content }));
      return { ...common, kind: 'pairwise', payloads: await this.encryptPairwise(recipients, plaintext) };
    }
    const recipientDeviceIds = await this.ensureSenderKeyDistributed(entry.channelId, recipients);
    const { key, distributedTo } = await this.deps.groups.outbound(entry.channelId);
    const ciphertext = key.encrypt(utf8Encode(JSON.stringify({ v: 1, content: entry.content })));
    await this.deps.groups.saveOutbound(entry.channelId, key, distributedTo);
    return { ...common, kind: 'group', ciphertext: toBase64Url(ciphertext), recipientDeviceIds };
  }

  private async encryptPairwise(recipients: ChannelDevice[], plaintext: Uint8Array) {
    const withoutSession: ChannelDevice[] = [];
    for (const device of recipients)
      if (!(await this.deps.sessions.has(device.deviceId))) withoutSession.push(device);
    for (let start = 0; start < withoutSession.length; start += 200) {
      const batch = withoutSession.slice(start, start + 200);
      const { bundles } = await this.deps.http.json('POST', '/v1/keys/bundles', bundlesPage, {
        deviceIds: batch.map((d) => d.deviceId),
      });
      for (const bundle of bundles) {
        await this.deps.sessions.start(
          bundle,
          batch.find((device) => device.deviceId === bundle.deviceId)!.identityKey,
        );
      }
    }
    const payloads = [];
    for (const device of recipients) {
      payloads.push({
        deviceId: device.deviceId,
        ciphertext: toBase64Url(await this.deps.sessions.encrypt(device.deviceId, plaintext)),
      });
    }
    return payloads;
  }

  /**
   * Makes sure exactly the current member devices hold this device's sender key: hand it
   * out (pairwise) when someone is new, and make a fresh key first when someone left.
   */
  private async ensureSenderKeyDistributed(
    channelId: string,
    recipients: ChannelDevice[],
  ): Promise<string[]> {
    const targets = recipients.map((device) => device.deviceId).sort();
    let outbound = await this.deps.groups.outbound(channelId);
    if (outbound.distributedTo.some((deviceId) => !targets.includes(deviceId))) {
      await this.deps.groups.requireRotation(channelId);
      outbound = await this.deps.groups.outbound(channelId);
    }
    const current = [...outbound.distributedTo].sort();
    if (current.length === targets.length && current.every((deviceId, i) => deviceId === targets[i]))
      return targets;
    if (targets.length > 0) {
      const control: OutboxEntry = {
        clientId: crypto.randomUUID(),
        channelId,
        content: { type: 'sender_key', distribution: toBase64Url(outbound.key.distributionMessage()) },
        createdAt: Date.now(),
      };
      await this.deps.store.set(`sent/${control.clientId}`, { content: control.content });
      await this.deps.store.set(`outbox/${control.clientId}`, control);
      await this.deliver(control);
    }
    await this.deps.groups.saveOutbound(channelId, outbound.key, targets);
    return targets;
  }
}
