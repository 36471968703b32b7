import { chatEndpoints, type ChannelEvent } from '@spreekuur/protocol/chat';
import { isSpreekuurError, SpreekuurError } from '../errors.ts';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';

const PAGE = 200;

/** The server's answers that mean "this device may not read this channel (any more)". */
const REFUSALS = ['ERR_CHAT_NOT_MEMBER', 'ERR_FORBIDDEN', 'ERR_NOT_FOUND'] as const;

export interface InboxHandlers {
  /** Turns one entry into what the app sees. Throwing keeps the entry for a later attempt. */
  process(event: ChannelEvent): Promise<void>;
  /** After the cursor has been saved past `event`: clean-up that must survive a crash before that. */
  committed(event: ChannelEvent): Promise<void>;
  /**
   * The server refuses this channel to us: we were removed (possibly while offline). `buffered`
   * holds what was pushed but could not be placed. Returns the entry to move the cursor to, if any.
   */
  refused(
    channelId: string,
    cursor: number | undefined,
    buffered: ChannelEvent[],
  ): Promise<number | undefined>;
  onError(error: unknown, channelId: string): void;
}

/**
 * Puts every channel's log in order and hands each entry to `process` exactly once:
 * live pushes and catch-up pages may arrive in any order and more than once; entries at
 * or below the channel's cursor are dropped, a gap is filled from the server's history,
 * and the cursor is saved after each entry. One queue for all channels keeps the crypto
 * state consistent.
 *
 * The history the server hands out starts at our membership (`joinedSeq`): after being
 * removed and added again, the cursor jumps to the new start. Every page must move the
 * cursor; when it cannot, the drain stops with ERR_CLIENT_HISTORY_GAP instead of asking again.
 */
export class Inbox {
  private readonly pending = new Map<string, Map<number, ChannelEvent>>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly http: HttpClient,
    private readonly store: KeyValueStore,
    private readonly handlers: InboxHandlers,
  ) {}

  /** The last sequence number processed in a channel (undefined: never seen). */
  async cursor(channelId: string): Promise<number | undefined> {
    return this.store.get<number>(`cursor/${channelId}`);
  }

  private async startingCursor(channelId: string): Promise<number> {
    const known = await this.cursor(channelId);
    if (known !== undefined) return known;
    // A channel we have not seen: start where our membership starts.
    const info = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
    const start = info.joinedSeq - 1;
    await this.store.set(`cursor/${channelId}`, start);
    return start;
  }

  receive(event: ChannelEvent): Promise<void> {
    const buffer = this.pending.get(event.channelId) ?? new Map<number, ChannelEvent>();
    buffer.set(event.seq, event);
    this.pending.set(event.channelId, buffer);
    return this.enqueue(event.channelId, undefined, false);
  }

  /** After (re)connecting: fetch whatever the channel has beyond our cursor. */
  catchUp(channelId: string, lastSeq: number): Promise<void> {
    return this.enqueue(channelId, lastSeq, false);
  }

  /**
   * Asks the server once for what lies beyond our cursor, even when nothing suggests there
   * is more: for channels this device knows that the server no longer lists (a removal
   * while offline is then noticed).
   */
  recheck(channelId: string): Promise<void> {
    return this.enqueue(channelId, undefined, true);
  }

  /** Resolves when everything queued so far has been processed. */
  idle(): Promise<void> {
    return this.queue;
  }

  private enqueue(channelId: string, knownLastSeq: number | undefined, probe: boolean): Promise<void> {
    this.queue = this.queue
      .then(() => this.drain(channelId, knownLastSeq, probe))
      .catch((error: unknown) => this.handlers.onError(error, channelId));
    return this.queue;
  }

  private async drain(channelId: string, knownLastSeq: number | undefined, probe: boolean): Promise<void> {
    const buffer = this.pending.get(channelId) ?? new Map<number, ChannelEvent>();
    this.pending.set(channelId, buffer);
    let cursor: number;
    try {
      cursor = await this.startingCursor(channelId);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      return this.refused(channelId, undefined, buffer);
    }
    for (;;) {
      for (const seq of [...buffer.keys()]) if (seq <= cursor) buffer.delete(seq);
      for (let next = buffer.get(cursor + 1); next; next = buffer.get(cursor + 1)) {
        await this.handlers.process(next);
        buffer.delete(next.seq);
        cursor = next.seq;
        await this.store.set(`cursor/${channelId}`, cursor);
        await this.handlers.committed(next);
      }
      const gap = probe || buffer.size > 0 || (knownLastSeq !== undefined && knownLastSeq > cursor);
      if (!gap) return;
      probe = false;
      let page;
      try {
        page = await this.http.call(chatEndpoints.history, {
          params: { id: channelId },
          query: { after: cursor, limit: PAGE },
        });
        if (page.events.length === 0) {
          // The server has nothing after our cursor: what is buffered beyond it cannot be placed.
          buffer.clear();
          return;
        }
        const first = Math.min(...page.events.map((event) => event.seq));
        if (first > cursor + 1) {
          // Nothing between our cursor and `first` is there for us. That is right only when our
          // membership starts after our cursor: we were removed and added again meanwhile.
          const { joinedSeq } = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
          if (joinedSeq > cursor + 1) {
            cursor = Math.min(first, joinedSeq) - 1;
            await this.store.set(`cursor/${channelId}`, cursor);
          }
        }
      } catch (error) {
        if (!isRefusal(error)) throw error;
        return this.refused(channelId, cursor, buffer);
      }
      for (const event of page.events) if (event.seq > cursor) buffer.set(event.seq, event);
      knownLastSeq = Math.max(knownLastSeq ?? 0, page.lastSeq);
      // Every page must let us move on; asking again for the same page would never end.
      if (!buffer.has(cursor + 1)) {
        throw new SpreekuurError(
          'ERR_CLIENT_HISTORY_GAP',
          `the server's history of channel ${channelId} lacks entry ${cursor + 1}`,
        );
      }
    }
  }

  private async refused(
    channelId: string,
    cursor: number | undefined,
    buffer: Map<number, ChannelEvent>,
  ): Promise<void> {
    const buffered = [...buffer.values()].sort((a, b) => a.seq - b.seq);
    buffer.clear();
    const moveTo = await this.handlers.refused(channelId, cursor, buffered);
    if (moveTo !== undefined && (cursor === undefined || moveTo > cursor))
      await this.store.set(`cursor/${channelId}`, moveTo);
  }
}

function isRefusal(error: unknown): boolean {
  return REFUSALS.some((code) => isSpreekuurError(error, code));
}
