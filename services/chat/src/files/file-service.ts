import { randomUUID } from 'node:crypto';
import type { Database } from '@spreekuur/db';
import type { FileStatus } from '@spreekuur/protocol/chat';
import { AppError } from '@spreekuur/protocol/errors';
import { recordAudit, type Principal } from '@spreekuur/server';
import { requireMembership } from '../channels/channel-store.ts';
import type { BlobStore } from './blob-store.ts';

export interface FileLimits {
  maxFileBytes: number;
  orgQuotaBytes: number;
}

/** Unfinished uploads a person may have at once, counted in largest-file sizes. */
export const PENDING_FILES_PER_PERSON = 3;

type FileRow = {
  id: string;
  org_id: string;
  channel_id: string;
  uploader_device_id: string;
  size: number;
  chunk_size: number;
  chunk_count: number;
  completed_at: Date | null;
  expires_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
};

/**
 * Encrypted attachments. The client encrypts (packages/crypto, secretstream), then uploads
 * the ciphertext in chunks; an interrupted upload resumes from the chunks the server has.
 * The key never comes here: it travels inside the end-to-end encrypted message.
 */
export class FileService {
  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly clock: () => Date,
    private readonly limits: FileLimits,
  ) {}

  async create(
    principal: Principal,
    request: { channelId: string; size: number; chunkSize: number; expiresInSeconds?: number | undefined },
  ): Promise<FileStatus> {
    if (request.size > this.limits.maxFileBytes) throw new AppError('ERR_CHAT_FILE_TOO_LARGE');
    const now = this.clock();
    const row = await this.db.transaction(async (tx) => {
      await requireMembership(tx, principal, request.channelId);
      // One organisation's uploads are checked one at a time, so the quota cannot be overrun by
      // racing. NO KEY UPDATE: rows that merely reference the organisation (audit log) can proceed.
      await tx.query('SELECT 1 FROM organisations WHERE id = $1 FOR NO KEY UPDATE', [principal.orgId]);
      const { rows } = await tx.query<{ used: number; pending_mine: number }>(
        `SELECT coalesce(sum(size), 0)::int8 AS used,
                coalesce(sum(size) FILTER (WHERE completed_at IS NULL AND uploader_person_id = $2), 0)::int8 AS pending_mine
           FROM files WHERE org_id = $1 AND deleted_at IS NULL`,
        [principal.orgId, principal.personId],
      );
      const { used, pending_mine: pendingMine } = rows[0]!;
      // Space is reserved when an upload starts; without a cap per person, one person could
      // reserve the organisation's whole quota with uploads they never finish.
      if (pendingMine + request.size > this.limits.maxFileBytes * PENDING_FILES_PER_PERSON)
        throw new AppError('ERR_CHAT_TOO_MANY_UPLOADS');
      if (used + request.size > this.limits.orgQuotaBytes) throw new AppError('ERR_CHAT_QUOTA_EXCEEDED');
      const inserted = await tx.query<FileRow>(
        `INSERT INTO files (id, org_id, channel_id, uploader_person_id, uploader_device_id, size, chunk_size, chunk_count, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
        [
          randomUUID(),
          principal.orgId,
          request.channelId,
          principal.personId,
          principal.deviceId,
          request.size,
          request.chunkSize,
          Math.ceil(request.size / request.chunkSize),
          request.expiresInSeconds ? new Date(now.getTime() + request.expiresInSeconds * 1000) : null,
          now,
        ],
      );
      await recordAudit(tx, {
        orgId: principal.orgId,
        actorPersonId: principal.personId,
        actorDeviceId: principal.deviceId,
        action: 'file.created',
        subjectType: 'file',
        subjectId: inserted.rows[0]!.id,
        details: { size: request.size },
      });
      return inserted.rows[0]!;
    });
    return this.status(row);
  }

  /** The file, if the caller is a member of its channel (other organisations: 404). */
  private async load(principal: Principal, fileId: string): Promise<FileRow> {
    const { rows } = await this.db.query<FileRow>('SELECT * FROM files WHERE id = $1 AND org_id = $2', [
      fileId,
      principal.orgId,
    ]);
    const file = rows[0];
    if (!file) throw new AppError('ERR_NOT_FOUND', 'file not found');
    await requireMembership(this.db, principal, file.channel_id);
    if (file.deleted_at || (file.expires_at && file.expires_at <= this.clock()))
      throw new AppError('ERR_CHAT_FILE_EXPIRED');
    return file;
  }

  private async status(file: FileRow): Promise<FileStatus> {
    const chunks = await this.blobs.listChunks(file.id);
    return {
      id: file.id,
      channelId: file.channel_id,
      size: file.size,
      chunkSize: file.chunk_size,
      chunkCount: file.chunk_count,
      receivedChunks: chunks.map((chunk) => chunk.index),
      complete: file.completed_at !== null,
      expiresAt: file.expires_at ? file.expires_at.toISOString() : null,
      createdAt: file.created_at.toISOString(),
    };
  }

  async get(principal: Principal, fileId: string): Promise<FileStatus> {
    return this.status(await this.load(principal, fileId));
  }

  /** Stores one chunk; resending a chunk replaces it, so a retried upload is harmless. */
  async putChunk(principal: Principal, fileId: string, index: number, data: Uint8Array): Promise<void> {
    const file = await this.load(principal, fileId);
    if (file.uploader_device_id !== principal.deviceId) throw new AppError('ERR_FORBIDDEN');
    if (file.completed_at) throw new AppError('ERR_CONFLICT', 'file already complete');
    if (index >= file.chunk_count) {
      throw new AppError('ERR_BAD_REQUEST', 'chunk out of range', {
        issues: [{ path: ['params', 'index'], message: `must be below ${file.chunk_count}` }],
      });
    }
    const expected = index === file.chunk_count - 1 ? file.size - index * file.chunk_size : file.chunk_size;
    if (data.length !== expected) {
      throw new AppError('ERR_BAD_REQUEST', 'chunk size', {
        issues: [{ path: ['body'], message: `chunk ${index} must be ${expected} bytes, got ${data.length}` }],
      });
    }
    await this.blobs.putChunk(file.id, index, data);
  }

  async complete(principal: Principal, fileId: string): Promise<FileStatus> {
    const file = await this.load(principal, fileId);
    if (file.uploader_device_id !== principal.deviceId) throw new AppError('ERR_FORBIDDEN');
    const chunks = await this.blobs.listChunks(file.id);
    const total = chunks.reduce((sum, chunk) => sum + chunk.size, 0);
    if (chunks.length !== file.chunk_count || total !== file.size)
      throw new AppError('ERR_CHAT_FILE_INCOMPLETE');
    const { rows } = await this.db.query<FileRow>(
      'UPDATE files SET completed_at = coalesce(completed_at, $2) WHERE id = $1 RETURNING *',
      [file.id, this.clock()],
    );
    return this.status(rows[0]!);
  }

  /** The ciphertext, chunk by chunk, for a streaming download (never all in memory). */
  async open(
    principal: Principal,
    fileId: string,
  ): Promise<{ size: number; chunks: AsyncIterable<Uint8Array> }> {
    const file = await this.load(principal, fileId);
    if (!file.completed_at) throw new AppError('ERR_CHAT_FILE_INCOMPLETE');
    const blobs = this.blobs;
    return {
      size: file.size,
      chunks: (async function* () {
        for (let index = 0; index < file.chunk_count; index++) {
          const chunk = await blobs.getChunk(file.id, index);
          if (!chunk) throw new Error(`file ${file.id} lost chunk ${index}`);
          yield chunk;
        }
      })(),
    };
  }

  /** Deletes expired files and unfinished uploads older than a day. Safe on every node. */
  async sweepExpired(): Promise<number> {
    const now = this.clock();
    const staleUpload = new Date(now.getTime() - 24 * 3600 * 1000);
    const { rows } = await this.db.query<{ id: string }>(
      `UPDATE files SET deleted_at = $1
        WHERE deleted_at IS NULL AND ((expires_at IS NOT NULL AND expires_at <= $1) OR (completed_at IS NULL AND created_at < $2))
        RETURNING id`,
      [now, staleUpload],
    );
    await this.blobs.deleteBlobs(rows.map((row) => row.id));
    await this.blobs.purgeOrphans();
    return rows.length;
  }
}
