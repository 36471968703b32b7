import { fromBase64Url, toBase64Url } from '@spreekuur/crypto/encoding';
import { frankingCommitment, newFrankingKey } from '@spreekuur/crypto/franking';
import { isCryptoError } from '@spreekuur/crypto/errors';
import { keyEndpoints, type SendAck, type SendMessage } from '@spreekuur/protocol/chat';
import type { MessageContent } from '@spreekuur/protocol/content';
import type { GroupKeys } from '../crypto/group-keys.ts';
import type { PairwiseSessions } from '../crypto/pairwise-sessions.ts';
import { isRetryable, isSpreekuurError, SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import type { OutgoingUpdate } from '../types.ts';
import type { DeviceDirectory, RecipientDevice } from './device-directory.ts';
import type { VerificationPolicy } from './verification-policy.ts';
import { encodePlaintext } from './plaintext.ts';

type OutgoingContent = MessageContent | { type: 'sender_key'; distribution: string };

interface OutboxEntry {
  clientId: string;
  channelId: string;
  content: OutgoingContent;
  replacesSeq?: number | undefined;
  fileIds?: string[] | undefined;
  /** Reserved for franking (issue 11): written into the plaintext as given. */
  frankingKey?: string | undefined;
  createdAt: number;
  /** The encrypted envelope, reused on every retry so a resend is byte-for-byte the same. */
  envelope?: SendMessage | undefined;
  /** Held for a resident's safety number (SPEC §13.7): tried again by `flush`, after `trust.verify`. */
  held?: true | undefined;
  /** For a held message: whose safety number waits to be compared. */
  heldFor?: string[] | undefined;
}

export interface OutboxDeps {
  store: KeyValueStore;
  /** Named inside every plaintext (v2), so receivers can check the envelope against it. */
  self: { personId: string; deviceId: string };
  http: HttpClient;
  devices: DeviceDirectory;
  sessions: PairwiseSessions;
  groups: GroupKeys;
  /** Sends over the live socket; throws ERR_CLIENT_NETWORK/TIMEOUT when the connection is gone. */
  transport: (envelope: SendMessage) => Promise<SendAck>;
  /**
   * Before a retry: resolves after `delayMs` while connected, or as soon as the connection is
   * back while offline; rejects (ERR_CLIENT_CLOSED) when the client is closed.
   */
  waitToRetry: (delayMs: number) => Promise<void>;
  /** Tells the app how its messages fare (not for the SDK's own control messages). */
  notify: (update: OutgoingUpdate) => void;
  channelKind: (channelId: string) => Promise<'direct' | 'group' | 'office_hour'>;
  /** Sensitive teams (SPEC §13.7): refuses recipients a worker has not verified. */
  policy?: VerificationPolicy;
}

const MAX_DEVICE_RETRIES = 5;
/** `outbox-held/<channelId>`: this channel has held messages (SPEC §13.7), sent before any new one. */
const HELD = 'outbox-held/';
/** Waits between retries: doubling from the first, never longer than the cap (unless the server asks). */
export const RETRY_FIRST_MS = 500;
export const RETRY_MAX_MS = 30_000;
/** ERR_INTERNAL may be caused by this very message: give up after this many tries, so later messages go out. */
export const MAX_SERVER_ERROR_ATTEMPTS = 8;

/**
 * Every message goes through here, one at a time and in order. An entry is stored before
 * the first attempt and removed only when the server has acknowledged it, so a message
 * survives a dropped connection or a restart; every retry carries the same clientId, and
 * the server stores it at most once.
 *
 * What `send` means: it resolves when the server has stored the message. While the network
 * or the server is unavailable (also while looking up devices and keys to encrypt for) it
 * keeps waiting and trying again, with growing pauses, and the app hears `waiting`. It
 * rejects only when the message will not be sent: the entry is gone then. Two exceptions keep
 * it: ERR_CLIENT_CLOSED (the client was closed while the message waited; it goes out when this
 * device connects again) and ERR_CLIENT_UNVERIFIED_DEVICE (a sensitive team's resident is not
 * verified yet, SPEC §13.7: held, the app hears `held`, and it goes out after `trust.verify`).
 */
export class Outbox {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: OutboxDeps) {}

  send(
    channelId: string,
    content: MessageContent,
    options: {
      replacesSeq?: number | undefined;
      fileIds?: string[] | undefined;
      clientId?: string | undefined;
      frankingKey?: string | undefined;
    } = {},
  ): Promise<SendAck & { clientId: string }> {
    // Moderation: a fresh franking key per message, so a recipient can report it (SPEC §14.2).
    const { clientId = crypto.randomUUID(), frankingKey = toBase64Url(newFrankingKey()), ...rest } = options;
    const entry: OutboxEntry = { clientId, channelId, content, createdAt: Date.now(), frankingKey, ...rest };
    return this.serialise(async () => {
      await this.deps.store.set(`sent/${entry.clientId}`, { content });
      await this.deps.store.set(`outbox/${entry.clientId}`, entry);
      // Held messages of this channel go first (or stay held, and this one with them): in order.
      if (await this.deps.store.get(`${HELD}${channelId}`)) await this.releaseHeld(channelId, entry.clientId);
      return this.deliver(entry);
    });
  }

  /** Tries the held messages of a channel again, oldest first; forgets the mark when none is left. */
  private async releaseHeld(channelId: string, except: string): Promise<void> {
    const held: OutboxEntry[] = [];
    for (const key of await this.deps.store.keys('outbox/')) {
      const entry = await this.deps.store.get<OutboxEntry>(key);
      if (entry?.held && entry.channelId === channelId && entry.clientId !== except) held.push(entry);
    }
    let still = false;
    for (const entry of held.sort((a, b) => a.createdAt - b.createdAt))
      await this.deliver(entry).catch((error: unknown) => {
        if (isSpreekuurError(error, 'ERR_CLIENT_UNVERIFIED_DEVICE')) still = true;
      });
    if (!still) await this.deps.store.delete(`${HELD}${channelId}`);
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

  /** The messages held for a resident's safety number (SPEC §13.7), oldest first. */
  async held(): Promise<
    Array<{ clientId: string; channelId: string; content: MessageContent; personIds: string[] }>
  > {
    const held: OutboxEntry[] = [];
    for (const key of await this.deps.store.keys('outbox/')) {
      const entry = await this.deps.store.get<OutboxEntry>(key);
      if (entry?.held && entry.content.type !== 'sender_key') held.push(entry);
    }
    return held
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((entry) => ({
        clientId: entry.clientId,
        channelId: entry.channelId,
        content: entry.content as MessageContent,
        personIds: entry.heldFor ?? [],
      }));
  }

  async pending(): Promise<number> {
    return (await this.deps.store.keys('outbox/')).length;
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async deliver(entry: OutboxEntry): Promise<SendAck & { clientId: string }> {
    const notify = (update: Omit<OutgoingUpdate, 'channelId' | 'clientId'>) => {
      if (entry.content.type !== 'sender_key')
        this.deps.notify({ channelId: entry.channelId, clientId: entry.clientId, ...update });
    };
    let deviceRetries = 0;
    let retries = 0;
    let serverErrors = 0;
    for (;;) {
      try {
        // Encrypting is part of the attempt: it may need the network (devices, key bundles).
        if (!entry.envelope) {
          entry.envelope = await this.encrypt(entry, deviceRetries > 0);
          await this.deps.store.set(`outbox/${entry.clientId}`, entry);
        }
        const ack = await this.deps.transport(entry.envelope);
        await this.deps.store.delete(`outbox/${entry.clientId}`);
        notify({ state: 'sent', seq: ack.seq });
        return { ...ack, clientId: entry.clientId };
      } catch (error) {
        if (isSpreekuurError(error, 'ERR_CHAT_DEVICES_CHANGED') && deviceRetries < MAX_DEVICE_RETRIES) {
          // Someone added or lost a device: encrypt again for the devices there are now.
          deviceRetries++;
          entry.envelope = undefined;
          continue;
        }
        if (isSpreekuurError(error, 'ERR_CLIENT_UNVERIFIED_DEVICE')) {
          // Nothing was encrypted: kept as it is, and tried again by flush() after a verification.
          entry.envelope = undefined;
          entry.held = true;
          entry.heldFor = error.details.personIds;
          await this.deps.store.set(`outbox/${entry.clientId}`, entry);
          await this.deps.store.set(`${HELD}${entry.channelId}`, true);
          notify({ state: 'held', code: error.code });
          throw error;
        }
        if (isSpreekuurError(error, 'ERR_INTERNAL')) serverErrors++;
        if (isRetryable(error) && serverErrors < MAX_SERVER_ERROR_ATTEMPTS) {
          notify({ state: 'waiting', code: (error as SpreekuurError).code });
          // Rejects only when the client closes: the entry then stays for the next connect.
          await this.deps.waitToRetry(retryDelay(error, retries++));
          continue;
        }
        await this.deps.store.delete(`outbox/${entry.clientId}`);
        // A refusal means the server did not store it. After giving up on server errors an
        // earlier attempt may still have been stored (its ack lost): keep our copy for that echo.
        if (!isSpreekuurError(error, 'ERR_INTERNAL')) await this.deps.store.delete(`sent/${entry.clientId}`);
        const final = isSpreekuurError(error, 'ERR_CHAT_DEVICES_CHANGED')
          ? new SpreekuurError(
              'ERR_CLIENT_DEVICES_UNSTABLE',
              'the devices in this conversation keep changing; try again',
            )
          : error;
        notify({ state: 'failed', code: errorCode(final) });
        throw final;
      }
    }
  }

  private async encrypt(entry: OutboxEntry, freshDevices: boolean): Promise<SendMessage> {
    const recipients = await this.deps.devices.recipients(entry.channelId, freshDevices);
    // Before anything is encrypted or a sender key handed out: a sensitive team's unverified resident.
    await this.deps.policy?.check(recipients);
    const common = {
      channelId: entry.channelId,
      clientId: entry.clientId,
      ...(entry.replacesSeq !== undefined ? { replacesSeq: entry.replacesSeq } : {}),
      ...(entry.fileIds?.length ? { fileIds: entry.fileIds } : {}),
    };
    const plaintext = encodePlaintext(
      {
        sender: this.deps.self,
        channelId: entry.channelId,
        replacesSeq: entry.replacesSeq ?? null,
        frankingKey: entry.frankingKey,
      },
      entry.content,
    );
    // Moderation: the commitment to exactly these bytes, which every recipient decrypts alike.
    const franking =
      entry.frankingKey && entry.content.type !== 'sender_key'
        ? { frankingCommitment: toBase64Url(frankingCommitment(fromBase64Url(entry.frankingKey), plaintext)) }
        : {};
    const kind = await this.deps.channelKind(entry.channelId);
    if (kind !== 'group' || entry.content.type === 'sender_key') {
      return {
        ...common,
        ...franking,
        kind: 'pairwise',
        payloads: await this.encryptPairwise(recipients, plaintext),
      };
    }
    const recipientDeviceIds = await this.ensureSenderKeyDistributed(entry.channelId, recipients);
    const { key, distributedTo } = await this.deps.groups.outbound(entry.channelId);
    const ciphertext = key.encrypt(plaintext);
    await this.deps.groups.saveOutbound(entry.channelId, key, distributedTo);
    return { ...common, ...franking, kind: 'group', ciphertext: toBase64Url(ciphertext), recipientDeviceIds };
  }

  /**
   * One copy per device. Sessions start only from bundles that carry the pinned identity key.
   * An `untrusted` device (uncertified, or not a member by our view) gets random bytes of the
   * same size instead: the server insists that every device it lists is addressed, and this
   * way it learns nothing it did not know, while the device it slipped in reads nothing.
   */
  private async encryptPairwise(recipients: RecipientDevice[], plaintext: Uint8Array) {
    const trusted = recipients.filter((device) => device.state === 'trusted');
    const withoutSession: RecipientDevice[] = [];
    for (const device of trusted)
      if (!(await this.deps.sessions.has(device.deviceId))) withoutSession.push(device);
    for (let start = 0; start < withoutSession.length; start += 200) {
      const batch = withoutSession.slice(start, start + 200);
      const { bundles } = await this.deps.http.call(keyEndpoints.fetchBundles, {
        body: { deviceIds: batch.map((d) => d.deviceId) },
      });
      for (const bundle of bundles) {
        const device = batch.find((candidate) => candidate.deviceId === bundle.deviceId);
        if (device) await this.deps.sessions.start(bundle, device.identityKey);
      }
    }
    const payloads = [];
    let size = plaintext.length + 128;
    for (const device of trusted) {
      const ciphertext = await this.deps.sessions.encrypt(device.deviceId, plaintext);
      size = ciphertext.length;
      payloads.push({ deviceId: device.deviceId, ciphertext: toBase64Url(ciphertext) });
    }
    for (const device of recipients) {
      if (device.state === 'trusted') continue;
      payloads.push({
        deviceId: device.deviceId,
        ciphertext: toBase64Url(crypto.getRandomValues(new Uint8Array(size))),
      });
    }
    return payloads;
  }

  /**
   * Makes sure exactly the current trusted member devices hold this device's sender key: hand
   * it out (pairwise) when someone is new (or became trusted), and make a fresh key first when
   * someone left. The envelope still addresses every device the server lists.
   */
  private async ensureSenderKeyDistributed(
    channelId: string,
    recipients: RecipientDevice[],
  ): Promise<string[]> {
    const targets = recipients.map((device) => device.deviceId).sort();
    const holders = recipients
      .filter((device) => device.state === 'trusted')
      .map((device) => device.deviceId)
      .sort();
    let outbound = await this.deps.groups.outbound(channelId);
    if (outbound.distributedTo.some((deviceId) => !holders.includes(deviceId))) {
      await this.deps.groups.requireRotation(channelId);
      outbound = await this.deps.groups.outbound(channelId);
    }
    const current = [...outbound.distributedTo].sort();
    if (current.length === holders.length && current.every((deviceId, i) => deviceId === holders[i]))
      return targets;
    if (holders.length > 0) {
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
    await this.deps.groups.saveOutbound(channelId, outbound.key, holders);
    return targets;
  }
}

/** Exponential back-off with a cap; a server's `retryAfter` (seconds) is a lower bound. */
export function retryDelay(error: unknown, retries: number): number {
  const backOff = Math.min(RETRY_MAX_MS, RETRY_FIRST_MS * 2 ** Math.min(retries, 30));
  const retryAfter = isSpreekuurError(error) ? error.details.retryAfter : undefined;
  return retryAfter ? Math.max(backOff, retryAfter * 1000) : backOff;
}

function errorCode(error: unknown): string {
  if (isSpreekuurError(error)) return error.code;
  return isCryptoError(error) ? error.code : 'ERR_CLIENT_INTERNAL';
}
