/** Unfinished uploads a person may have at once, counted in largest-file sizes. */
export const PENDING_FILES_PER_PERSON = 3;

export interface UploadLimits {
  maxFileBytes: number;
  orgQuotaBytes: number;
}

/**
 * Why a new upload of `size` bytes is refused, or null. Space is reserved when an upload
 * starts; without a cap per person, one person could reserve the organisation's whole quota
 * with uploads they never finish.
 */
export function uploadRefusal(
  size: number,
  usage: { used: number; pendingMine: number },
  limits: UploadLimits,
): 'too_many_uploads' | 'quota_exceeded' | null {
  if (usage.pendingMine + size > limits.maxFileBytes * PENDING_FILES_PER_PERSON) return 'too_many_uploads';
  if (usage.used + size > limits.orgQuotaBytes) return 'quota_exceeded';
  return null;
}

export const chunkCount = (size: number, chunkSize: number): number => Math.ceil(size / chunkSize);

/** Every chunk is `chunkSize` bytes, except the last one, which holds the rest. */
export function expectedChunkBytes(
  file: { size: number; chunkSize: number; chunkCount: number },
  index: number,
): number {
  return index === file.chunkCount - 1 ? file.size - index * file.chunkSize : file.chunkSize;
}
