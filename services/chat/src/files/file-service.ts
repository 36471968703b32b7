import type { Database } from '@spreekuur/db';
import type { FileStatus } from '@spreekuur/protocol/chat';
import { AppError } from '@spreekuur/protocol/errors';
import { actorOf, recordAudit, type Principal } from '@spreekuur/server';
import { chunkCount, expectedChunkBytes, uploadRefusal, type UploadLimits } from '../domain/uploads.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { requireMembership } from '../store/channel-store.ts';
import {
  deleteExpiredFiles,
  findFile,
  insertFile,
  lockOrganisationUploads,
  markComplete,
  uploadUsage,
  type FileRow,
} from '../store/file-store.ts';

export type FileLimits = UploadLimits;

const STALE_UPLOAD_MS = 24 * 3600 * 1000;

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
      await lockOrganisationUploads(tx, principal.orgId);
      const usage = await uploadUsage(tx, principal.orgId, principal.personId);
      const refusal = uploadRefusal(request.size, usage, this.limits);
      if (refusal === 'too_many_uploads') throw new AppError('ERR_CHAT_TOO_MANY_UPLOADS');
      if (refusal === 'quota_exceeded') throw new AppError('ERR_CHAT_QUOTA_EXCEEDED');
      const file = await insertFile(
        tx,
        {
          orgId: principal.orgId,
          channelId: request.channelId,
          uploaderPersonId: principal.personId,
          uploaderDeviceId: principal.deviceId,
          size: request.size,
          chunkSize: request.chunkSize,
          chunkCount: chunkCount(request.size, request.chunkSize),
          expiresAt: request.expiresInSeconds
            ? new Date(now.getTime() + request.expiresInSeconds * 1000)
            : null,
        },
        now,
      );
      await recordAudit(tx, {
        ...actorOf(principal),
        action: 'file.created',
        subjectType: 'file',
        subjectId: file.id,
        details: { size: request.size },
      });
      return file;
    });
    return this.status(row);
  }

  /** The file, if the caller is a member of its channel (other organisations: 404). */
  private async load(principal: Principal, fileId: string): Promise<FileRow> {
    const file = await findFile(this.db, principal.orgId, fileId);
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
    const expected = expectedChunkBytes(
      { size: file.size, chunkSize: file.chunk_size, chunkCount: file.chunk_count },
      index,
    );
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
    return this.status(await markComplete(this.db, file.id, this.clock()));
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
    const deleted = await deleteExpiredFiles(this.db, now, new Date(now.getTime() - STALE_UPLOAD_MS));
    await this.blobs.deleteBlobs(deleted);
    await this.blobs.purgeOrphans();
    return deleted.length;
  }
}
