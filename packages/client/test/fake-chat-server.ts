import type { ChannelDevice, ChannelEvent } from '@spreekuur/protocol/chat';
import { HttpClient } from '../src/http.ts';

type MessageEvent = Extract<ChannelEvent, { kind: 'message' }>;

const at = '2025-01-06T09:00:00.000Z';

/** Log entries as the server hands them out. */
export const events = {
  message(channelId: string, seq: number, fields: Partial<MessageEvent> = {}): MessageEvent {
    return {
      channelId,
      seq,
      createdAt: at,
      kind: 'message',
      senderPersonId: crypto.randomUUID(),
      senderDeviceId: crypto.randomUUID(),
      clientId: `c-${crypto.randomUUID()}`,
      envelopeKind: 'pairwise',
      ciphertext: 'AAAA',
      replacesSeq: null,
      fileIds: [],
      expiresAt: null,
      deleted: false,
      ...fields,
    };
  },
  added(channelId: string, seq: number, personId: string): ChannelEvent {
    return {
      channelId,
      seq,
      createdAt: at,
      kind: 'member_added',
      personId,
      role: 'member',
      byPersonId: null,
    };
  },
  removed(channelId: string, seq: number, personId: string, byPersonId: string | null = null): ChannelEvent {
    return { channelId, seq, createdAt: at, kind: 'member_removed', personId, byPersonId };
  },
  settings(channelId: string, seq: number): ChannelEvent {
    return {
      channelId,
      seq,
      createdAt: at,
      kind: 'settings_changed',
      disappearingSeconds: null,
      byPersonId: crypto.randomUUID(),
    };
  },
};

interface FakeChannel {
  log: ChannelEvent[];
  /** The caller's membership: history starts here (like channel_members.joined_seq). */
  joinedSeq: number;
  member: boolean;
  devices: ChannelDevice[];
}

/**
 * The chat HTTP API as the SDK sees it, in memory, behind the real {@link HttpClient} (so
 * answers and errors go through the same parsing). Counts every request.
 */
export class FakeChatServer {
  readonly channels = new Map<string, FakeChannel>();
  readonly requests: string[] = [];
  /** Answers to hand out before the normal ones: an error code (with status), or a network failure. */
  readonly failures: Array<{ path: RegExp; fail: 'network' | { status: number; code: string } }> = [];
  /** Replaces the history the server returns (a misbehaving server). */
  history?: (channel: FakeChannel, after: number, limit: number) => ChannelEvent[];

  channel(channelId: string, init: Partial<FakeChannel> = {}): FakeChannel {
    const channel = { log: [], joinedSeq: 1, member: true, devices: [], ...init };
    this.channels.set(channelId, channel);
    return channel;
  }

  http(): HttpClient {
    return new HttpClient({
      baseUrl: 'http://chat.test',
      locale: 'en',
      token: () => 'token',
      refresh: async () => undefined,
      fetch: (input) => this.answer(input instanceof Request ? input.url : input.toString()),
    });
  }

  private async answer(url: string): Promise<Response> {
    const { pathname, searchParams } = new URL(url);
    this.requests.push(`${pathname}${searchParams.size ? `?${searchParams.toString()}` : ''}`);
    const failure = this.failures.findIndex((f) => f.path.test(pathname));
    if (failure >= 0) {
      const [{ fail }] = this.failures.splice(failure, 1) as [(typeof this.failures)[number]];
      if (fail === 'network') throw new TypeError('fetch failed');
      return json(fail.status, { error: { code: fail.code, message: fail.code } });
    }
    const match = /^\/v1\/channels\/([^/]+)(\/events|\/devices)?$/.exec(pathname);
    const channel = match ? this.channels.get(match[1]!) : undefined;
    if (!match || !channel) return json(404, { error: { code: 'ERR_NOT_FOUND', message: 'not found' } });
    if (!channel.member)
      return json(403, { error: { code: 'ERR_CHAT_NOT_MEMBER', message: 'not a member' } });
    const lastSeq = channel.log.at(-1)?.seq ?? 0;
    if (match[2] === '/devices') return json(200, { devices: channel.devices });
    if (match[2] === '/events') {
      const after = Number(searchParams.get('after'));
      const limit = Number(searchParams.get('limit'));
      const page = this.history
        ? this.history(channel, after, limit)
        : channel.log.filter((e) => e.seq > after && e.seq >= channel.joinedSeq).slice(0, limit);
      return json(200, { events: page, lastSeq });
    }
    return json(200, {
      id: match[1],
      kind: 'group',
      name: 'Groep',
      members: [],
      lastSeq,
      deliveredSeq: 0,
      readSeq: 0,
      joinedSeq: channel.joinedSeq,
      disappearingSeconds: null,
      announcementsOnly: false,
      createdAt: at,
    });
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
