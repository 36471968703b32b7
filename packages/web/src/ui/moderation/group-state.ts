import type { Channel, ModerationState } from '@spreekuur/protocol/chat';
import { locale } from '../../i18n.ts';
import { channels, currentClient, me } from '../../state/session.ts';
import { Observable } from '../../state/store.ts';

/** The moderation state of each group this device has open (pins, mutes, settings), kept fresh by the channel log. */
export const groupStates = new Observable<Record<string, ModerationState | undefined>>({});

const watched = new Set<string>();
let listening = false;

export async function refreshGroupState(channelId: string): Promise<void> {
  const state = await currentClient().moderation.state(channelId);
  groupStates.update((all) => ({ ...all, [channelId]: state }));
}

/** Loads a group's state once and follows its `moderation` log entries from then on. */
export function watchGroup(channelId: string): void {
  if (!listening) {
    listening = true;
    currentClient().on('moderation', (event) => {
      // A new moderator sees the tools at once (the SDK applied the change to its own view).
      const change = event.change;
      if (change.type === 'role_changed') applyRole(event.channelId, change.personId, change.role);
      if (watched.has(event.channelId)) void refreshGroupState(event.channelId).catch(() => undefined);
    });
  }
  if (watched.has(channelId)) return;
  watched.add(channelId);
  void refreshGroupState(channelId).catch(() => watched.delete(channelId));
}

/** A role change the server accepted or the channel log brought, in the conversation list at once. */
export function applyRole(channelId: string, personId: string, role: 'moderator' | 'member'): void {
  channels.update((list) =>
    list.map((channel) =>
      channel.id !== channelId
        ? channel
        : {
            ...channel,
            members: channel.members.map((member) =>
              member.personId === personId ? { ...member, role } : member,
            ),
          },
    ),
  );
}

/** Whether this person is an owner or moderator of the group. */
export function moderates(channel: Channel): boolean {
  const self = me.value?.person.id;
  const role = channel.members.find((member) => member.personId === self)?.role;
  return role === 'owner' || role === 'moderator';
}

export const clockTime = (iso: string) =>
  new Date(iso).toLocaleTimeString(locale() === 'en' ? 'en-GB' : 'nl-NL', {
    hour: '2-digit',
    minute: '2-digit',
  });

export const dayAndTime = (iso: string) =>
  new Date(iso).toLocaleString(locale() === 'en' ? 'en-GB' : 'nl-NL', {
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });
