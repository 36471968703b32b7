import { z } from 'zod';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { MAX_KEY_BACKUP_BYTES, privacyEndpoints } from '@spreekuur/protocol/privacy';
import type { Account } from '../account.ts';
import { SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';
import { DEFAULT_KDF, normaliseSecret, openBackup, sealBackup, type KdfParams } from './sealed-backup.ts';

/**
 * What a backup carries, before sealing: the device's keys (its identity, so a restored device
 * can show where it came from and the app can prove continuity) and the decrypted history this
 * device holds (`messages/…`, `channel-kind/…`) so a new phone gets the conversations back.
 */
const backupContents = z.object({
  format: z.literal('spreekuur.key-backup.v1'),
  personId: z.string(),
  deviceId: z.string(),
  createdAt: z.string(),
  entries: z.record(z.string(), z.unknown()),
});
type BackupContents = z.infer<typeof backupContents>;

/** Store entries a backup takes along; other state (sessions, cursors, outbox) belongs to one device. */
const BACKED_UP = ['account', 'messages/', 'channel-kind/'] as const;
/** What restore writes into the new device's store: never its own account or keys. */
const RESTORED = ['messages/', 'channel-kind/'] as const;

export interface BackupSummary {
  size: number;
  entries: number;
  updatedAt: string;
}

export interface RestoreSummary {
  /** The device the backup was made on. */
  fromDeviceId: string;
  createdAt: string;
  restored: number;
  /** Entries this device already had and could read (kept as they are). */
  skipped: number;
  /** The backed-up identity, for the app to keep or show; restore does not replace this device's own. */
  identity: unknown;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * The encrypted key backup of `client.backup`: sealed here under the person's recovery key
 * (sealed-backup.ts), stored by the server as opaque bytes, opened on a new device.
 */
export class KeyBackupClient {
  constructor(
    private readonly http: HttpClient,
    private readonly store: KeyValueStore,
    private readonly account: Account,
    private readonly kdf: KdfParams = DEFAULT_KDF,
  ) {}

  /** Seals this device's keys and history under `recoveryKey` and stores it (replacing the previous one). */
  async save(recoveryKey: string): Promise<BackupSummary> {
    const entries: Record<string, unknown> = {};
    for (const prefix of BACKED_UP) {
      const keys = prefix.endsWith('/') ? await this.store.keys(prefix) : [prefix];
      for (const key of keys) {
        const value = await this.store.get(key);
        if (value !== undefined) entries[key] = value;
      }
    }
    const contents: BackupContents = {
      format: 'spreekuur.key-backup.v1',
      personId: this.account.personId,
      deviceId: this.account.deviceId,
      createdAt: new Date().toISOString(),
      entries,
    };
    const sealed = await sealBackup(
      utf8.encode(JSON.stringify(contents)),
      normaliseSecret(recoveryKey),
      this.account.personId,
      this.kdf,
    );
    if (sealed.length > MAX_KEY_BACKUP_BYTES)
      throw new SpreekuurError(
        'ERR_CLIENT_BACKUP_TOO_LARGE',
        `the backup is ${sealed.length} bytes; the server keeps at most ${MAX_KEY_BACKUP_BYTES}`,
      );
    const stored = await this.http.call(privacyEndpoints.putKeyBackup, {
      body: { ciphertext: toBase64Url(sealed) },
    });
    return { size: stored.size, entries: Object.keys(entries).length, updatedAt: stored.updatedAt };
  }

  /**
   * Fetches and opens the person's backup with `recoveryKey`, and writes its history into this
   * device's store where this device has nothing yet. A wrong key or a changed backup throws
   * ERR_CLIENT_BACKUP_INVALID and changes nothing.
   */
  async restore(recoveryKey: string): Promise<RestoreSummary> {
    const fetched = await this.http.call(privacyEndpoints.getKeyBackup);
    const opened = await openBackup(
      fromBase64Url(fetched.ciphertext),
      normaliseSecret(recoveryKey),
      this.account.personId,
    );
    let parsed: BackupContents;
    try {
      parsed = backupContents.parse(JSON.parse(fromUtf8.decode(opened)));
    } catch {
      throw new SpreekuurError(
        'ERR_CLIENT_BACKUP_INVALID',
        'the backup opened but its contents are not a Spreekuur backup',
      );
    }
    if (parsed.personId !== this.account.personId)
      throw new SpreekuurError('ERR_CLIENT_BACKUP_INVALID', 'the backup belongs to another person');
    let restored = 0;
    let skipped = 0;
    for (const [key, value] of Object.entries(parsed.entries)) {
      if (!RESTORED.some((prefix) => key.startsWith(prefix))) continue;
      const existing = await this.store.get<{ status?: string }>(key);
      // A message this device could not decrypt (it was sent to the lost phone) is replaced.
      const unreadable = key.startsWith('messages/') && existing?.status === 'unavailable';
      if (existing !== undefined && !unreadable) {
        skipped++;
        continue;
      }
      await this.store.set(key, value);
      restored++;
    }
    const identity = (parsed.entries.account as { identity?: unknown } | undefined)?.identity ?? null;
    return { fromDeviceId: parsed.deviceId, createdAt: parsed.createdAt, restored, skipped, identity };
  }

  /** Removes the stored backup (e.g. after the recovery key was lost or shown to someone). */
  async remove(): Promise<void> {
    await this.http.call(privacyEndpoints.deleteKeyBackup);
  }
}
