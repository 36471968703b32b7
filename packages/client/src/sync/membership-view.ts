import { chatEndpoints, type ChannelRole } from '@spreekuur/protocol/chat';
import type { HttpClient } from '../http.ts';
import type { KeyValueStore } from '../storage/key-value-store.ts';

/**
 * Who is a member of a channel by this device's own view: the members when it first saw the
 * channel (the server's word, once), then every member_added and member_removed entry of the
 * log it processed. A device the server lists for a person outside this view gets nothing
 * readable, so the server cannot add a reader without writing a visible membership entry.
 */
/** Per person: the role by our view (null once removed) and the log entry of their last change. */
export type MemberRecord = Record<string, { role: ChannelRole | null; seq: number }>;

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

  /**
   * Roles and the position of each person's last change, by our view: the server's roles when
   * first asked (position 0), then the log's additions, removals and role changes. Used to check
   * who may add a member, and that an addition is not replayed past a later change (SPEC §13.5).
   */
  async records(channelId: string): Promise<MemberRecord> {
    const known = await this.store.get<MemberRecord>(`member-roles/${channelId}`);
    if (known) return known;
    const channel = await this.http.call(chatEndpoints.getChannel, { params: { id: channelId } });
    const records: MemberRecord = {};
    for (const member of channel.members) records[member.personId] = { role: member.role, seq: 0 };
    await this.store.set(`member-roles/${channelId}`, records);
    return records;
  }

  private async record(
    channelId: string,
    personId: string,
    change: { role: ChannelRole | null; seq?: number },
  ): Promise<void> {
    const records = await this.store.get<MemberRecord>(`member-roles/${channelId}`);
    if (!records) return;
    const seq = change.seq ?? records[personId]?.seq ?? 0;
    await this.store.set(`member-roles/${channelId}`, { ...records, [personId]: { role: change.role, seq } });
  }

  async added(channelId: string, personId: string, role?: ChannelRole, seq?: number): Promise<void> {
    const known = await this.store.get<string[]>(this.key(channelId));
    if (known && !known.includes(personId)) await this.store.set(this.key(channelId), [...known, personId]);
    if (role) await this.record(channelId, personId, { role, ...(seq === undefined ? {} : { seq }) });
  }

  async removed(channelId: string, personId: string, seq?: number): Promise<void> {
    const known = await this.store.get<string[]>(this.key(channelId));
    if (known?.includes(personId))
      await this.store.set(
        this.key(channelId),
        known.filter((member) => member !== personId),
      );
    await this.record(channelId, personId, { role: null, ...(seq === undefined ? {} : { seq }) });
  }

  /** A moderator's role change (moderation entry): counts for who may add members. */
  async roleChanged(channelId: string, personId: string, role: ChannelRole): Promise<void> {
    await this.record(channelId, personId, { role });
  }
}
