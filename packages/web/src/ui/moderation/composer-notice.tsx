import type { Channel } from '@spreekuur/protocol/chat';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { currentClient, me, sendRefusals } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { clockTime } from './group-state.ts';

/**
 * Why the last message in this conversation was not sent, in plain words above the composer:
 * muted until when, how long slow mode still holds, or that only moderators post now.
 */
export function ComposerNotice({ channel }: { channel: Channel }) {
  const refusal = useObservable(sendRefusals)[channel.id];
  const selfId = useObservable(me)?.person.id;
  const [until, setUntil] = useState<string | null>(null);

  useEffect(() => {
    setUntil(null);
    if (refusal?.code !== 'ERR_MOD_MUTED') return;
    // The refusal says that, the group's state says until when.
    void currentClient()
      .moderation.state(channel.id)
      .then(
        (state) => setUntil(state.mutes.find((mute) => mute.personId === selfId)?.until ?? null),
        () => undefined,
      );
  }, [refusal, channel.id, selfId]);

  const text = !refusal
    ? ''
    : refusal.code === 'ERR_MOD_MUTED'
      ? until
        ? t('moderation_mutedComposer', { time: clockTime(until) })
        : t('moderation_mutedComposerNoTime')
      : refusal.code === 'ERR_MOD_SLOW_MODE'
        ? t('moderation_slowComposer', { n: refusal.retryAfter ?? 1 })
        : refusal.code === 'ERR_MOD_CHANNEL_LOCKED'
          ? t('moderation_lockedComposer')
          : refusal.code === 'ERR_CHAT_NOT_MEMBER'
            ? t('moderation_notMemberComposer')
            : '';
  return (
    <p class="error composer-notice" role="alert" data-testid="composer-notice">
      {text}
    </p>
  );
}
