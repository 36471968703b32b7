import { chatEndpoints } from '@spreekuur/protocol/chat';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';

/**
 * Who is a member of a channel by this device's own view: the members when it first saw the
 * channel (the server's word, once), then every member_added and member_removed entry of the
 * log it processed. A device the server lists for a person outside this view gets nothing
 * readable, so the server cannot add a reader without writing a visible membership entry.
 */
export class MembershipView {
  constructor(
    private readonly store: KeyValueStore,
    private readonly http: HttpClient,
  ) {}

  private key(channelId: string) {
    return `members/${channelId}`;
  }

  async members(channelId: string): Promise<Set<string>> {
    const known = await this.store.get<string[]>(this.key(channelId));
    if (known) return new Set(known);
    const channel = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
    const members = channel.members.map((member) => member.personId);
    await this.store.set(this.key(channelId), members);
    return new Set(members);
  }

  async added(channelId: string, personId: string): Promise<void> {
    const known = await this.store.get<string[]>(this.key(channelId));
    if (known && !known.includes(personId)) await this.store.set(this.key(channelId), [...known, personId]);
  }

  async removed(channelId: string, personId: string): Promise<void> {
    const known = await this.store.get<string[]>(this.key(channelId));
    if (known?.includes(personId))
      await this.store.set(
        this.key(channelId),
        known.filter((member) => member !== personId),
      );
  }
}
