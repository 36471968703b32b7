import { channel as channelSchema, historyPage, type ChannelEvent } from '@spreekuur/protocol/chat';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';

const PAGE = 200;

/**
 * Puts every channel's log in order and hands each entry to `process` exactly once:
 * live pushes and catch-up pages may arrive in any order and more than once; entries at
 * or below the channel's cursor are dropped, a gap is filled from the server's history,
 * and the cursor is saved after each entry. One queue for all channels keeps the crypto
 * state consistent.
 */
export class Inbox {
  private readonly pending = new Map<string, Map<number, ChannelEvent>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly http: HttpClient,
    private readonly store: KeyValueStore,
    private readonly process: (event: ChannelEvent) => Promise<void>,
    private readonly onError: (error: unknown, channelId: string) => void,
  ) {}

  /** The last sequence number processed in a channel (undefined: never seen). */
  async cursor(channelId: string): Promise<number | undefined> {
    return this.store.get<number>(`cursor/${channelId}`);
  }

  private async startingCursor(channelId: string): Promise<number> {
    const known = await this.cursor(channelId);
    if (known !== undefined) return known;
    // A channel we have not seen: start where our membership starts.
    const info = await this.http.json('GET', `/v1/channels/${channelId}`, channelSchema);
    const start = info.joinedSeq - 1;
    await this.store.set(`cursor/${channelId}`, start);
    return start;
  }

  receive(event: ChannelEvent): Promise<void> {
    const buffer = this.pending.get(event.channelId) ?? new Map<number, ChannelEvent>();
    buffer.set(event.seq, event);
    this.pending.set(event.channelId, buffer);
    return this.enqueue(event.channelId, undefined);
  }

  /** After (re)connecting: fetch whatever the channel has beyond our cursor. */
  catchUp(channelId: string, lastSeq: number): Promise<void> {
    return this.enqueue(channelId, lastSeq);
  }

  /** Resolves when everything queued so far has been processed. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(channelId: string, knownLastSeq: number | undefined): Promise<void> {
    this.queue = this.queue
      .then(() => this.drain(channelId, knownLastSeq))
      .catch((error: unknown) => this.onError(error, channelId));
    return this.queue;
  }

  private async drain(channelId: string, knownLastSeq: number | undefined): Promise<void> {
    let cursor = await this.startingCursor(channelId);
    const buffer = this.pending.get(channelId) ?? new Map<number, ChannelEvent>();
    this.pending.set(channelId, buffer);
    for (let pages = 0; ; pages++) {
      for (const seq of [...buffer.keys()]) if (seq <= cursor) buffer.delete(seq);
      for (let next = buffer.get(cursor + 1); next; next = buffer.get(cursor + 1)) {
        await this.process(next);
        buffer.delete(next.seq);
        cursor = next.seq;
        await this.store.set(`cursor/${channelId}`, cursor);
      }
      const gap = buffer.size > 0 || (knownLastSeq !== undefined && knownLastSeq > cursor);
      if (!gap || pages > 10_000) return;
      const page = await this.http.json(
        'GET',
        `/v1/channels/${channelId}/events?after=${cursor}&limit=${PAGE}`,
        historyPage,
      );
      if (page.events.length === 0) {
        // The server has nothing after our cursor: what is buffered beyond it cannot be placed.
        buffer.clear();
        return;
      }
      for (const event of page.events) if (event.seq > cursor) buffer.set(event.seq, event);
      knownLastSeq = Math.max(knownLastSeq ?? 0, page.lastSeq);
    }
  }
}
