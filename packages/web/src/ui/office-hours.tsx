import type { ResidentQueueEntry, TeamStatus } from '@spreekuur/protocol/scheduling';
import { officeHoursEndpoints, queueEndpoints } from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { navigate } from '../router.ts';
import { currentClient } from '../state/session.ts';
import { minutes, whenInWords } from '../time-words.ts';

/** A resident's view of their team's office hours: open or when it opens, and the live queue. */
export function OfficeHours({ teamId }: { teamId: string }) {
  const [status, setStatus] = useState<TeamStatus | null>(null);
  const [entry, setEntry] = useState<ResidentQueueEntry | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    const client = currentClient();
    client
      .call(officeHoursEndpoints.status, { params: { teamId }, query: {} })
      .then(setStatus)
      .catch(() => undefined);
    client
      .call(queueEndpoints.ownEntries)
      .then(({ entries }) => setEntry(entries.find((e) => e.teamId === teamId && !e.ended) ?? null))
      .catch(() => undefined);
    const off = client.on('queue-entry', (update) => {
      if (update.teamId === teamId) setEntry(update.ended ? null : update);
    });
    return off;
  }, [teamId]);

  if (!status || status.join === 'unavailable') return null;

  const join = async () => {
    setError('');
    try {
      const joined = await currentClient().call(queueEndpoints.join, {
        params: { teamId },
        body: { whenClosed: status.join === 'question' ? 'leave_question' : 'reject' },
      });
      setEntry(joined);
    } catch {
      setError(t('errorUnknown'));
    }
  };
  const leave = async () => {
    if (!entry) return;
    await currentClient()
      .call(queueEndpoints.leave, { params: { entryId: entry.entryId } })
      .catch(() => undefined);
    setEntry(null);
  };

  const hours = status.officeHours;
  const view = entry?.view;
  return (
    <section class="card" aria-labelledby={`hours-${teamId}`}>
      <h2 id={`hours-${teamId}`}>{t('officeHours')}</h2>
      <p class="state">
        <strong>{hours.state === 'open' ? t('openNow') : t('closedNow')}</strong>
        {hours.state === 'open' &&
          hours.closesAt &&
          ` — ${t('closesAt', { when: whenInWords(hours.closesAt) })}`}
        {hours.state === 'closed' &&
          hours.opensAt &&
          ` — ${t('opensAt', { when: whenInWords(hours.opensAt) })}`}
      </p>
      {!entry && (
        <button type="button" class="primary" onClick={() => void join()}>
          {status.join === 'live' ? t('joinQueue') : t('leaveQuestion')}
        </button>
      )}
      {entry && (
        <div role="status" aria-live="polite">
          {view?.status === 'waiting' && (
            <p>
              {t('place', { n: view.position })}{' '}
              {view.waitEstimate.kind === 'estimate' &&
                t('estimate', { m: minutes(view.waitEstimate.seconds) })}
            </p>
          )}
          {view?.status === 'assigned' && <p>{t('assigned')}</p>}
          <p class="actions">
            {view?.status === 'assigned' && (
              <button type="button" class="primary" onClick={() => navigate(`/gesprek/${entry.channelId}`)}>
                {t('openConversation')}
              </button>
            )}
            {view?.status === 'waiting' && (
              <button type="button" onClick={() => void leave()}>
                {t('leaveQueue')}
              </button>
            )}
          </p>
        </div>
      )}
      {status.appointmentKinds.length > 0 && (
        <p class="hint">
          {t('otherWays')}: {status.appointmentKinds.map((kind) => t(`kind_${kind}`)).join(', ')}
        </p>
      )}
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
