import type { ChatMessage } from '@spreekuur/client';
import type { Channel } from '@spreekuur/protocol/chat';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { currentClient, unverifiedAdditions } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { groupStates, moderates, watchGroup } from './group-state.ts';
import { lazy } from './lazy.tsx';

const GroupPanel = lazy(async () => (await import('./group-panel.tsx')).GroupPanel);
const ReportForm = lazy(async () => (await import('./report-form.tsx')).ReportForm);

/** The moderation actions of a group, under its member list: for its owners and moderators only. */
export function GroupTools({ channel }: { channel: Channel }) {
  // Every member follows the group's log: made moderator, the tools appear at once.
  useEffect(() => watchGroup(channel.id), [channel.id]);
  return moderates(channel) ? <GroupPanel channel={channel} /> : null;
}

/**
 * Who is in this group without an owner's or moderator's signature (SDK `membership:unverified`,
 * crypto SPEC §13.5): the server may have added them on its own, so the person is told plainly
 * and asked to check. Someone who joined through a group link signed nothing either: said so.
 */
export function GroupNotice({ channel }: { channel: Channel }) {
  const all = useObservable(unverifiedAdditions);
  const [dismissed, setDismissed] = useState(0);
  const here = all.filter((added) => added.channelId === channel.id).slice(dismissed);
  if (here.length === 0) return null;
  const nameOf = (personId: string) =>
    channel.members.find((member) => member.personId === personId)?.displayName ??
    t('moderation_unverifiedSomeone');
  return (
    <div class="notice warning" role="status" data-testid="membership-notice">
      {here.map((added) => (
        <p key={added.seq}>
          {t(
            added.byPersonId === added.personId
              ? 'moderation_unverifiedJoined'
              : 'moderation_unverifiedAdded',
            {
              name: nameOf(added.personId),
            },
          )}
        </p>
      ))}
      <button type="button" onClick={() => setDismissed(dismissed + here.length)}>
        {t('moderation_unverifiedDismiss')}
      </button>
    </div>
  );
}

/** Actions on one message of a group: report it (everyone, about someone else's), pin it (moderators). */
export function MessageTools({ channel, message }: { channel: Channel; message: ChatMessage }) {
  const [reporting, setReporting] = useState(false);
  const [error, setError] = useState('');
  const states = useObservable(groupStates);
  const moderator = moderates(channel);
  useEffect(() => watchGroup(channel.id), [channel.id]);
  if (message.status !== 'ok') return null;
  const pinned = states[channel.id]?.pins.some((pin) => pin.seq === message.seq) ?? false;
  const formId = `report-${channel.id}-${message.seq}`;

  const togglePin = async () => {
    setError('');
    try {
      const moderation = currentClient().moderation;
      const next = pinned
        ? await moderation.unpin(channel.id, message.seq)
        : await moderation.pin(channel.id, message.seq);
      groupStates.update((all) => ({ ...all, [channel.id]: next }));
    } catch {
      setError(t('moderation_error'));
    }
  };

  return (
    <div class="message-tools">
      {pinned && <span class="badge">{t('moderation_pinned')}</span>}
      {!message.own && (
        <button
          type="button"
          class="link"
          aria-expanded={reporting}
          aria-controls={formId}
          onClick={() => setReporting(!reporting)}
        >
          {t('moderation_report')}
        </button>
      )}
      {moderator && (
        <button type="button" class="link" onClick={() => void togglePin()}>
          {pinned ? t('moderation_unpin') : t('moderation_pin')}
        </button>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
      {reporting && (
        <div id={formId}>
          <ReportForm channelId={channel.id} seq={message.seq} />
        </div>
      )}
    </div>
  );
}
