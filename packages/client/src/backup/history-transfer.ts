import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '@spreekuur/crypto/encoding';
import { isCryptoError } from '@spreekuur/crypto/errors';
import {
  MAX_HISTORY_TRANSFER_BYTES,
  openHistoryTransfer,
  sealHistoryTransfer,
  type HistoryTransferContext,
} from '@spreekuur/crypto/history-transfer';
import { keyEndpoints, type ChannelDevice, type DeviceCertificate } from '@spreekuur/protocol/chat';
import { identityEndpoints } from '@spreekuur/protocol/identity';
import { privacyEndpoints } from '@spreekuur/protocol/privacy';
import type { Account } from '../account.ts';
import { certifiedDeviceIds, verifies, type TrustAnchor } from '../crypto/device-certificates.ts';
import { SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';

/**
 * Device-to-device history transfer (packages/crypto SPEC §15.2): after approving a newly
 * linked device, this device seals the decrypted history it holds to the new device's identity
 * key and leaves it on the server; the new device fetches it, checks that it comes from a device
 * of its own person that it trusts, opens it, imports it, and deletes it from the server.
 */

const FORMAT = 'spreekuur.history-transfer.v1';
/** What travels: the same history a key backup carries (never `account`, sessions or keys). */
const HISTORY = ['messages/', 'channel-kind/'] as const;

const transferContents = z.object({
  format: z.literal(FORMAT),
  entries: z.record(z.string(), z.unknown()),
});

export interface HistorySent {
  deviceId: string;
  /** Store entries sent (messages and channel kinds). */
  entries: number;
  /** The oldest messages left out so that the sealed transfer fits the server's limit. */
  omitted: number;
  size: number;
  expiresAt: string;
}

export interface HistoryReceived {
  fromDeviceId: string;
  createdAt: string;
  /** Entries written (new here, or replacing a message this device could not read). */
  restored: number;
  /** Entries this device had and could read already (kept as they are). */
  skipped: number;
  /** The conversations that got something: show them again. */
  channelIds: string[];
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

const invalid = (message: string) => new SpreekuurError('ERR_CLIENT_HISTORY_INVALID', message);

export class HistoryTransferClient {
  constructor(
    private readonly http: HttpClient,
    private readonly store: KeyValueStore,
    private readonly account: Account,
    /** Devices of this person this device trusts already (its trusted pins). */
    private readonly pinnedOwnDevices: () => Promise<TrustAnchor[]>,
  ) {}

  /**
   * Seals this device's history to `deviceId`, another device of this person that this device
   * trusts (it approved it, or the chain of certificates says so), and leaves it on the server
   * (replacing an earlier one to that device). Refused with ERR_CLIENT_DEVICE_NOT_APPROVED for a
   * device not (yet) approved, ERR_NOT_FOUND for one that is not this person's.
   */
  async sendTo(deviceId: string): Promise<HistorySent> {
    if (deviceId === this.account.deviceId)
      throw new SpreekuurError('ERR_NOT_FOUND', 'that is this device itself');
    const trusted = await this.trustedOwnDevices();
    const target = trusted.listed.get(deviceId);
    if (!target) throw new SpreekuurError('ERR_NOT_FOUND', 'no such active device of yours');
    if (!trusted.certified.has(deviceId))
      throw new SpreekuurError(
        'ERR_CLIENT_DEVICE_NOT_APPROVED',
        'approve the device before sending it your history',
      );
    const context: HistoryTransferContext = {
      personId: this.account.personId,
      fromDeviceId: this.account.deviceId,
      fromIdentityKey: this.account.identity.publicKey,
      toDeviceId: deviceId,
      toIdentityKey: fromBase64Url(target),
    };
    const { entries, messageKeys } = await this.history();
    // Too much history for one transfer: the oldest messages stay behind, a tenth at a time.
    let omitted = 0;
    let sealed = this.seal(context, entries);
    while (sealed.length > MAX_HISTORY_TRANSFER_BYTES && omitted < messageKeys.length) {
      const drop = Math.max(1, Math.ceil((messageKeys.length - omitted) / 10));
      for (const key of messageKeys.slice(omitted, omitted + drop)) delete entries[key];
      omitted += drop;
      sealed = this.seal(context, entries);
    }
    if (sealed.length > MAX_HISTORY_TRANSFER_BYTES)
      throw new SpreekuurError('ERR_CLIENT_HISTORY_INVALID', 'the history does not fit in a transfer');
    const stored = await this.http.call(privacyEndpoints.putHistoryTransfer, {
      params: { id: deviceId },
      body: { ciphertext: toBase64Url(sealed) },
    });
    return {
      deviceId,
      entries: Object.keys(entries).length,
      omitted,
      size: stored.size,
      expiresAt: stored.expiresAt,
    };
  }

  /**
   * Fetches the history another device of this person left for this device, if any (null when
   * none waits). It must come from a device this device trusts for its own person (SPEC §15.2)
   * and open under this device's key; then it is imported like a backup (only what this device
   * lacks or could not read) and deleted from the server. Anything else: ERR_CLIENT_HISTORY_INVALID,
   * and nothing is written.
   */
  async receive(): Promise<HistoryReceived | null> {
    const self = { id: this.account.deviceId };
    const { transfer: fetched } = await this.http.call(privacyEndpoints.getHistoryTransfer, { params: self });
    if (!fetched) return null;
    const from = fetched.fromDeviceId;
    if (from === this.account.deviceId) throw invalid('a transfer that claims to come from this device');
    const trusted = await this.trustedOwnDevices();
    const fromKey = trusted.listed.get(from);
    if (!fromKey || !trusted.certified.has(from))
      throw invalid('the history does not come from a device of yours that this device trusts');
    let opened: { plaintext: Uint8Array; createdAt: number };
    try {
      opened = openHistoryTransfer(
        this.account.identity,
        {
          personId: this.account.personId,
          fromDeviceId: from,
          fromIdentityKey: fromBase64Url(fromKey),
          toDeviceId: this.account.deviceId,
          toIdentityKey: this.account.identity.publicKey,
        },
        fromBase64Url(fetched.ciphertext),
      );
    } catch (error) {
      if (isCryptoError(error)) throw invalid(`the history transfer does not open here (${error.code})`);
      throw error;
    }
    let contents: z.infer<typeof transferContents>;
    try {
      contents = transferContents.parse(JSON.parse(fromUtf8.decode(opened.plaintext)));
    } catch {
      throw invalid('the transfer opened but is not a Spreekuur history');
    }
    const keys = Object.keys(contents.entries);
    if (!keys.every((key) => HISTORY.some((prefix) => key.startsWith(prefix))))
      throw invalid('the transfer holds more than history');
    let restored = 0;
    let skipped = 0;
    const channelIds = new Set<string>();
    for (const [key, value] of Object.entries(contents.entries)) {
      if (!(await this.writable(key))) {
        skipped++;
        continue;
      }
      // A catch-up storing the same message as unreadable meanwhile keeps this one (event-processor).
      await this.store.set(key, value);
      restored++;
      if (key.startsWith('messages/')) channelIds.add(key.split('/')[1]!);
    }
    await this.http.call(privacyEndpoints.deleteHistoryTransfer, { params: self }).catch(() => undefined);
    return {
      fromDeviceId: from,
      createdAt: new Date(opened.createdAt).toISOString(),
      restored,
      skipped,
      channelIds: [...channelIds],
    };
  }

  /** Nothing there yet, or a message this device could not read (sent before it was linked). */
  private async writable(key: string): Promise<boolean> {
    const existing = await this.store.get<{ status?: string }>(key);
    return existing === undefined || (key.startsWith('messages/') && existing.status === 'unavailable');
  }

  private seal(context: HistoryTransferContext, entries: Record<string, unknown>): Uint8Array {
    const plaintext = utf8.encode(JSON.stringify({ format: FORMAT, entries }));
    // What the crypto refuses as too large is what the loop above trims.
    if (plaintext.length > MAX_HISTORY_TRANSFER_BYTES) return new Uint8Array(MAX_HISTORY_TRANSFER_BYTES + 1);
    return sealHistoryTransfer(this.account.identity, context, plaintext);
  }

  /** The history entries of this device's store; message keys oldest first. */
  private async history(): Promise<{ entries: Record<string, unknown>; messageKeys: string[] }> {
    const entries: Record<string, unknown> = {};
    const sentAt = new Map<string, string>();
    for (const prefix of HISTORY)
      for (const key of await this.store.keys(prefix)) {
        const value = await this.store.get<{ sentAt?: string }>(key);
        if (value === undefined) continue;
        entries[key] = value;
        if (prefix === 'messages/') sentAt.set(key, typeof value.sentAt === 'string' ? value.sentAt : '');
      }
    const messageKeys = [...sentAt.keys()].sort((a, b) => sentAt.get(a)!.localeCompare(sentAt.get(b)!));
    return { entries, messageKeys };
  }

  /**
   * This person's active devices as the server lists them, and which of them this device
   * accepts (SPEC §13.2): itself, the device whose signature is on its own certificate, its
   * trusted pins of its own person, and every device those certify.
   */
  private async trustedOwnDevices(): Promise<{ listed: Map<string, string>; certified: Set<string> }> {
    const { devices } = await this.http.call(identityEndpoints.listOwnDevices);
    const personId = this.account.personId;
    const active: ChannelDevice[] = devices
      .filter((device) => !device.revokedAt)
      .map((device) => ({ deviceId: device.id, personId, identityKey: device.identityKey }));
    const listed = new Map(active.map((device) => [device.deviceId, device.identityKey]));
    const me: ChannelDevice = {
      deviceId: this.account.deviceId,
      personId,
      identityKey: toBase64Url(this.account.identity.publicKey),
    };
    // The server's word for this device's own key does not count: ours does.
    const others = active.filter((device) => device.deviceId !== me.deviceId);
    const certificates = new Map<string, DeviceCertificate>();
    const ids = [me.deviceId, ...others.map((device) => device.deviceId)];
    for (let start = 0; start < ids.length; start += 500) {
      const { certificates: page } = await this.http.call(keyEndpoints.fetchCertificates, {
        body: { deviceIds: ids.slice(start, start + 500) },
      });
      for (const certificate of page) certificates.set(certificate.deviceId, certificate);
    }
    const anchors: TrustAnchor[] = [me, ...(await this.pinnedOwnDevices())];
    const mine = certificates.get(me.deviceId);
    const approver = mine && others.find((device) => device.deviceId === mine.signerDeviceId);
    if (approver && verifies(approver.identityKey, me, mine.signature)) anchors.push(approver);
    const certified = certifiedDeviceIds(others, certificates, anchors);
    return { listed, certified };
  }
}
