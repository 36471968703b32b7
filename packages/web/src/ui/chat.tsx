import type { ChatMessage } from '@spreekuur/client';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { navigate } from '../router.ts';
import {
  channels,
  me,
  messages,
  othersDelivered,
  othersRead,
  pending,
  sendText,
  setOpenChannel,
} from '../state/session.ts';
import { useObservable } from '../state/store.ts';
import { Attach, Download } from './files.tsx';
import { ComposerNotice } from './moderation/composer-notice.tsx';
import { GroupNotice, GroupTools, MessageTools } from './moderation/group-tools.tsx';
import { TrustNotice, VerifiedMark } from './trust/conversation-notice.tsx';
import { OfficeHourTools } from './worker/conversation-tools.tsx';

export function Chat({ channelId }: { channelId: string }) {
  const channel = useObservable(channels).find((c) => c.id === channelId);
  const list = useObservable(messages)[channelId] ?? [];
  const waiting = useObservable(pending).filter((p) => p.channelId === channelId);
  const read = useObservable(othersRead)[channelId] ?? 0;
  const delivered = useObservable(othersDelivered)[channelId] ?? 0;
  const selfId = useObservable(me)?.person.id;
  const [text, setText] = useState('');
  const end = useRef<HTMLLIElement>(null);

  useEffect(() => {
    setOpenChannel(channelId);
    return () => setOpenChannel(null);
  }, [channelId]);
  useEffect(() => {
    setOpenChannel(channelId);
    end.current?.scrollIntoView({ block: 'end' });
  }, [list.length, waiting.length, channelId]);

  const others = channel?.members.filter((m) => m.personId !== selfId) ?? [];
  const title =
    channel?.kind === 'group'
      ? (channel.name ?? t('group'))
      : t('chatWith', { name: others[0]?.displayName ?? '' });
  const nameOf = (personId: string) =>
    channel?.members.find((m) => m.personId === personId)?.displayName ?? '';

  const submit = (event: Event) => {
    event.preventDefault();
    const body = text.trim();
    if (!body) return;
    sendText(channelId, body);
    setText('');
  };

  const mark = (message: ChatMessage) =>
    message.seq <= read ? t('read') : message.seq <= delivered ? t('delivered') : t('sent');

  return (
    <section class="chat" aria-labelledby="chat-title">
      <p>
        <a
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          ← {t('back')}
        </a>
      </p>
      <h1 id="chat-title">
        {title}
        {channel && <VerifiedMark channel={channel} />}
      </h1>
      {channel && <TrustNotice channel={channel} />}
      {channel?.kind === 'group' && <GroupNotice channel={channel} />}
      {channel?.kind === 'office_hour' && <OfficeHourTools channel={channel} />}
      {channel?.kind === 'group' && (
        <details class="members">
          <summary>
            {t('members')} ({channel.members.length})
          </summary>
          <ul>
            {channel.members.map((m) => (
              <li key={m.personId}>
                {m.displayName}
                {m.role === 'moderator' ? ' ★' : ''}
              </li>
            ))}
          </ul>
          <GroupTools channel={channel} />
        </details>
      )}
      <ol class="messages" aria-live="polite" aria-relevant="additions">
        {list.map((message) => (
          <li key={message.seq} class={message.own ? 'own' : 'theirs'} data-seq={message.seq}>
            <span class="sender">{message.own ? t('you') : nameOf(message.senderPersonId)}</span>
            <Body message={message} />
            {message.own && <span class="mark">{mark(message)}</span>}
            {channel?.kind === 'group' && <MessageTools channel={channel} message={message} />}
          </li>
        ))}
        {waiting.map((item) => (
          <li key={item.clientId} class="own pending">
            <span class="sender">{t('you')}</span>
            <p>{item.text}</p>
            <span class="mark">
              {item.state === 'failed'
                ? t(item.reason === 'key-changed' ? 'trust_notSentKeyChanged' : 'failed')
                : t(item.state === 'held' ? 'trust_heldUnverified' : 'waiting')}
            </span>
          </li>
        ))}
        <li ref={end} class="end" aria-hidden="true" />
      </ol>
      {channel && <ComposerNotice channel={channel} />}
      <form class="composer" onSubmit={submit}>
        <label for="message" class="visually-hidden">
          {t('messageLabel')}
        </label>
        <textarea
          id="message"
          rows={2}
          value={text}
          placeholder={t('messageLabel')}
          onInput={(event) => setText(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey) submit(event);
          }}
        />
        <button type="submit" class="primary">
          {t('send')}
        </button>
      </form>
      <Attach channelId={channelId} />
    </section>
  );
}

function Body({ message }: { message: ChatMessage }) {
  if (message.status === 'deleted') return <p class="hint">{t('deleted')}</p>;
  if (message.status === 'unavailable' || !message.content) return <p class="hint">{t('unavailable')}</p>;
  const content = message.content;
  if (content.type === 'text') return <p>{content.text}</p>;
  if (content.type === 'file') return <Download content={content} />;
  return <p class="hint">{t('unavailable')}</p>;
}
