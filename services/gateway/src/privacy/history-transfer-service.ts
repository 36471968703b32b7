import type { Database } from '@spreekuur/db';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { AppError } from '@spreekuur/protocol/errors';
import { HISTORY_TRANSFER_DAYS, type HistoryTransfer } from '@spreekuur/protocol/privacy';
import { actorOf, recordAudit, type Principal } from '@spreekuur/server';
import {
  deleteTransfer,
  isActiveDeviceOf,
  loadTransfer,
  saveTransfer,
} from './store/history-transfer-store.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * History transfers between two devices of one person (packages/crypto SPEC §15.2): sealed on
 * the approving device to the new one, kept here as opaque bytes until the new device fetches
 * and acknowledges them (or 7 days). Only another active device of the same person may leave
 * one; only the target device may fetch or delete it. Anyone else learns nothing: the answer is
 * the same as for a device that does not exist.
 */
export class HistoryTransferService {
  constructor(private readonly deps: { db: Database; clock: () => Date }) {}

  async put(
    principal: Principal,
    toDeviceId: string,
    ciphertext: string,
  ): Promise<{ size: number; expiresAt: string }> {
    const bytes = fromBase64Url(ciphertext);
    const createdAt = this.deps.clock();
    const expiresAt = new Date(createdAt.getTime() + HISTORY_TRANSFER_DAYS * DAY_MS);
    await this.deps.db.transaction(async (tx) => {
      if (
        toDeviceId === principal.deviceId ||
        !(await isActiveDeviceOf(tx, principal.orgId, principal.personId, toDeviceId))
      )
        throw new AppError('ERR_NOT_FOUND', 'no other active device of yours with this id');
      await saveTransfer(tx, {
        orgId: principal.orgId,
        personId: principal.personId,
        fromDeviceId: principal.deviceId,
        toDeviceId,
        ciphertext: bytes,
        createdAt,
        expiresAt,
      });
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'history_transfer.stored',
        subjectType: 'device',
        subjectId: toDeviceId,
        details: { size: bytes.length },
      });
    });
    return { size: bytes.length, expiresAt: expiresAt.toISOString() };
  }

  /** The transfer waiting for this device (null when none waits); another device's id is unknown. */
  async get(principal: Principal, deviceId: string): Promise<{ transfer: HistoryTransfer | null }> {
    if (deviceId !== principal.deviceId) throw new AppError('ERR_NOT_FOUND');
    const transfer = await loadTransfer(this.deps.db, { ...this.target(principal), now: this.deps.clock() });
    if (!transfer) return { transfer: null };
    await recordAudit(this.deps.db, {
      ...actorOf(principal),
      action: 'history_transfer.fetched',
      subjectType: 'device',
      subjectId: principal.deviceId,
    });
    return {
      transfer: {
        fromDeviceId: transfer.fromDeviceId,
        ciphertext: toBase64Url(transfer.ciphertext),
        size: transfer.ciphertext.length,
        createdAt: transfer.createdAt.toISOString(),
        expiresAt: transfer.expiresAt.toISOString(),
      },
    };
  }

  /** The target device's acknowledgement: the transfer is gone from the server. */
  async delete(principal: Principal, deviceId: string): Promise<void> {
    await this.deps.db.transaction(async (tx) => {
      if (deviceId !== principal.deviceId) throw new AppError('ERR_NOT_FOUND');
      if (!(await deleteTransfer(tx, this.target(principal))))
        throw new AppError('ERR_PRIVACY_HISTORY_TRANSFER_NOT_FOUND');
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'history_transfer.deleted',
        subjectType: 'device',
        subjectId: principal.deviceId,
      });
    });
  }

  private target(principal: Principal) {
    return { orgId: principal.orgId, personId: principal.personId, deviceId: principal.deviceId };
  }
}
