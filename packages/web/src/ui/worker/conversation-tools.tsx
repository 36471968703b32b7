import type { Channel } from '@spreekuur/protocol/chat';
import type { Person } from '@spreekuur/protocol/identity';
import {
  closeOutcome,
  queueEndpoints,
  type CloseOutcome,
  type QueueConversation,
  type TeamQueue,
} from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { navigate } from '../../router.ts';
import { currentClient, me } from '../../state/session.ts';
import { Observable, useObservable } from '../../state/store.ts';

/** Said on the home screen after the worker closed a conversation (the closed chat is gone for them). */
const lastClosed = new Observable('');

export function ClosedNotice() {
  const text = useObservable(lastClosed);
  useEffect(() => () => lastClosed.set(''), []);
  if (!text) return null;
  return (
    <p class="notice" role="status">
      {text}
    </p>
  );
}

interface Found {
  conversation: QueueConversation;
  queue: TeamQueue;
}

/** The queue's record of this conversation, from the worker's teams (the latest one for the channel). */
async function findConversation(channelId: string, teamIds: readonly string[]): Promise<Found | null> {
  for (const teamId of teamIds) {
    const queue = await currentClient()
      .call(queueEndpoints.teamQueue, { params: { teamId } })
      .catch(() => null);
    const conversation = queue?.conversations.filter((c) => c.channelId === channelId).at(-1);
    if (queue && conversation) return { conversation, queue };
  }
  return null;
}

/** A worker's actions on an office-hour conversation: hand it over to a colleague on duty, or close it with an outcome. */
export function OfficeHourTools({ channel }: { channel: Channel }) {
  const person = useObservable(me)?.person;
  const [found, setFound] = useState<Found | null>(null);
  const [workers, setWorkers] = useState<Person[]>([]);
  const [toWorker, setToWorker] = useState('');
  const [outcome, setOutcome] = useState<CloseOutcome>('resolved');
  const [message, setMessage] = useState({ text: '', error: false });
  const staff = person && person.role !== 'resident';
  const teams = person?.teamIds.join() ?? '';

  const load = async () => {
    if (!person) return;
    setFound(await findConversation(channel.id, person.teamIds));
  };
  useEffect(() => {
    if (!staff) return;
    void load();
    currentClient()
      .people({ role: 'worker' })
      .then(setWorkers)
      .catch(() => undefined);
    // A colleague took or closed it meanwhile: show that.
    const off = currentClient().on('queue', (queue) => {
      const conversation = queue.conversations.filter((c) => c.channelId === channel.id).at(-1);
      if (conversation) setFound({ conversation, queue });
    });
    return off;
  }, [channel.id, staff, teams]);

  if (!staff || !found) return null;
  const { conversation, queue } = found;
  const name = (id: string | null) => workers.find((w) => w.id === id)?.displayName ?? t('team');
  const ended = conversation.status === 'closed' || conversation.status === 'left';
  if (ended) {
    return (
      <p class="notice" role="status">
        {t('worker_closed')}
      </p>
    );
  }
  const mine = conversation.workerId === person.id;
  if (!mine) {
    // Also what the worker who just handed it over sees (announced).
    return conversation.workerId ? (
      <p class="notice" role="status">
        {t('worker_handledBy', { name: name(conversation.workerId) })}
      </p>
    ) : null;
  }
  // Colleagues on duty with a free seat (the server checks again).
  const colleagues = queue.view.staff.filter((s) => s.workerId !== person.id && s.activeCount < s.capacity);
  const chosen = colleagues.some((c) => c.workerId === toWorker) ? toWorker : (colleagues[0]?.workerId ?? '');

  const transfer = async (event: Event) => {
    event.preventDefault();
    if (!chosen) return;
    try {
      const moved = await currentClient().call(queueEndpoints.transfer, {
        params: { entryId: conversation.entryId },
        body: { toWorkerId: chosen },
      });
      setFound({ conversation: moved, queue });
      setMessage({ text: t('worker_transferred', { name: name(chosen) }), error: false });
    } catch {
      setMessage({ text: t('worker_transferFailed'), error: true });
      void load();
    }
  };
  const close = async (event: Event) => {
    event.preventDefault();
    try {
      const closed = await currentClient().call(queueEndpoints.close, {
        params: { entryId: conversation.entryId },
        body: { outcome },
      });
      setFound({ conversation: closed, queue });
      // Closing takes every worker out of the conversation: its page goes away, so say it at home.
      lastClosed.set(t('worker_closed'));
      navigate('/');
    } catch {
      setMessage({ text: t('worker_closeFailed'), error: true });
    }
  };

  return (
    <div class="tools">
      <form class="card" aria-labelledby="transfer-title" onSubmit={(event) => void transfer(event)}>
        <h2 id="transfer-title">{t('worker_transferTitle')}</h2>
        {colleagues.length === 0 ? (
          <p>{t('worker_noColleague')}</p>
        ) : (
          <>
            <label for="transfer-to">{t('worker_transferTo')}</label>
            <select
              id="transfer-to"
              value={chosen}
              onChange={(event) => setToWorker(event.currentTarget.value)}
            >
              {colleagues.map((c) => (
                <option key={c.workerId} value={c.workerId}>
                  {name(c.workerId)}
                </option>
              ))}
            </select>
            <button type="submit">{t('worker_transfer')}</button>
          </>
        )}
      </form>
      <form class="card" aria-labelledby="close-title" onSubmit={(event) => void close(event)}>
        <h2 id="close-title">{t('worker_closeTitle')}</h2>
        <label for="close-outcome">{t('worker_outcome')}</label>
        <select
          id="close-outcome"
          value={outcome}
          onChange={(event) => setOutcome(closeOutcome.parse(event.currentTarget.value))}
        >
          {closeOutcome.options.map((option) => (
            <option key={option} value={option}>
              {t(`worker_outcome_${option}`)}
            </option>
          ))}
        </select>
        <button type="submit" class="primary">
          {t('worker_close')}
        </button>
      </form>
      <p class={message.error ? 'error' : ''} role={message.error ? 'alert' : 'status'}>
        {message.text}
      </p>
    </div>
  );
}
