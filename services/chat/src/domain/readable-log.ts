/**
 * How far a person may read a channel's log: all of it while a member; after leaving or being
 * removed, up to and including their own removal (so an offline device still catches up to
 * it), nothing after.
 */
export function readableEnd(lastSeq: number, leftSeq: number | null): number {
  return leftSeq === null ? lastSeq : Math.min(lastSeq, leftSeq);
}

/**
 * A device's delivered and read cursors as a receipt asks them, kept within what it may read.
 * Reading implies delivery; neither passes the end.
 */
export function receiptCursors(
  receipt: { deliveredSeq?: number | undefined; readSeq?: number | undefined },
  end: number,
): { deliveredSeq: number; readSeq: number } {
  const readSeq = Math.min(receipt.readSeq ?? 0, end);
  return { deliveredSeq: Math.min(Math.max(receipt.deliveredSeq ?? 0, readSeq), end), readSeq };
}
