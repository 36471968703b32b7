/**
 * Group commit: sends that arrive while a transaction is running wait for it, then are stored
 * together in the next one. At low load a send waits only for the current event-loop turn; at
 * high load one transaction (a fixed handful of statements) stores hundreds of messages.
 *
 * Sends are spread over `lanes` by channel, each lane committing one batch at a time, so one
 * channel's sends are stored in the order they arrived (a device's pipelined sends keep
 * their order) and batches of one node never wait for each other's channel locks.
 */
export class GroupCommit<Item, Result> {
  private readonly queues: Array<Array<{ item: Item; settle: Settle<Result> }>>;
  private readonly busy: boolean[];

  constructor(
    /** Stores a batch; answers one outcome per item, in order (an Error is that item's failure). */
    private readonly commit: (items: Item[]) => Promise<Array<Result | Error>>,
    private readonly laneOf: (item: Item) => string,
    lanes: number,
    private readonly maxBatch: number,
  ) {
    this.queues = Array.from({ length: lanes }, () => []);
    this.busy = this.queues.map(() => false);
  }

  submit(item: Item): Promise<Result> {
    const lane = laneIndex(this.laneOf(item), this.queues.length);
    return new Promise<Result>((resolve, reject) => {
      this.queues[lane]!.push({ item, settle: { resolve, reject } });
      if (!this.busy[lane]) {
        this.busy[lane] = true;
        // Let this turn's other socket packets join the batch.
        setImmediate(() => void this.drain(lane));
      }
    });
  }

  private async drain(lane: number): Promise<void> {
    const queue = this.queues[lane]!;
    while (queue.length > 0) {
      const batch = queue.splice(0, this.maxBatch);
      let outcomes: Array<Result | Error>;
      try {
        outcomes = await this.commit(batch.map((entry) => entry.item));
      } catch (error) {
        outcomes = batch.map(() => (error instanceof Error ? error : new Error(String(error))));
      }
      batch.forEach((entry, index) => {
        const outcome = outcomes[index];
        if (outcome instanceof Error) entry.settle.reject(outcome);
        else if (outcome === undefined) entry.settle.reject(new Error('group commit: no outcome'));
        else entry.settle.resolve(outcome);
      });
    }
    this.busy[lane] = false;
  }
}

interface Settle<Result> {
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
}

/** A stable lane for a key (FNV-1a). */
function laneIndex(key: string, lanes: number): number {
  if (lanes === 1) return 0;
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}
