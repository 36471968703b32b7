import type { Queryable } from '@spreekuur/db';

/**
 * Where encrypted file bytes live, in numbered chunks. The default (and for now only)
 * implementation keeps them in PostgreSQL, embedded or real alike; an object store could
 * implement the same port later without the file service noticing.
 */
export interface BlobStore {
  putChunk(blobId: string, index: number, data: Uint8Array): Promise<void>;
  getChunk(blobId: string, index: number): Promise<Uint8Array | null>;
  /** Indexes and sizes of the chunks present, in order. */
  listChunks(blobId: string): Promise<Array<{ index: number; size: number }>>;
  deleteBlobs(blobIds: readonly string[]): Promise<void>;
  /** Removes chunks whose file is gone (after a crash between commit and deletion). */
  purgeOrphans(): Promise<number>;
}

export class PostgresBlobStore implements BlobStore {
  constructor(private readonly db: Queryable) {}

  async putChunk(blobId: string, index: number, data: Uint8Array): Promise<void> {
    await this.db.query(
      `INSERT INTO blob_chunks (blob_id, chunk_index, data) VALUES ($1, $2, $3)
       ON CONFLICT (blob_id, chunk_index) DO UPDATE SET data = EXCLUDED.data`,
      [blobId, index, data],
    );
  }

  async getChunk(blobId: string, index: number): Promise<Uint8Array | null> {
    const { rows } = await this.db.query<{ data: Uint8Array }>(
      'SELECT data FROM blob_chunks WHERE blob_id = $1 AND chunk_index = $2',
      [blobId, index],
    );
    return rows[0]?.data ?? null;
  }

  async listChunks(blobId: string): Promise<Array<{ index: number; size: number }>> {
    const { rows } = await this.db.query<{ chunk_index: number; size: number }>(
      'SELECT chunk_index, length(data) AS size FROM blob_chunks WHERE blob_id = $1 ORDER BY chunk_index',
      [blobId],
    );
    return rows.map((row) => ({ index: row.chunk_index, size: row.size }));
  }

  async deleteBlobs(blobIds: readonly string[]): Promise<void> {
    if (blobIds.length === 0) return;
    await this.db.query('DELETE FROM blob_chunks WHERE blob_id = ANY($1::uuid[])', [blobIds]);
  }

  async purgeOrphans(): Promise<number> {
    const { rowCount } = await this.db.query(
      `DELETE FROM blob_chunks b WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.id = b.blob_id AND f.deleted_at IS NULL)`,
    );
    return rowCount;
  }
}
