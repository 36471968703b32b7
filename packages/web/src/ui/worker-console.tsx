import type { DutyStatus, TeamQueue } from '@spreekuur/protocol/scheduling';
import { dutyEndpoints, officeHoursEndpoints, queueEndpoints } from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { navigate } from '../router.ts';
import { currentClient } from '../state/session.ts';
import { minutes } from '../time-words.ts';
import { Appointments } from './appointments.tsx';
import { dutyChanged } from './worker/quiet-hours.tsx';

/** A worker's team: on/off duty, the live queue (no message content), take the next resident. */
export function WorkerTeam({ teamId, index }: { teamId: string; index: number }) {
  const [duty, setDuty] = useState<DutyStatus | null>(null);
  const [queue, setQueue] = useState<TeamQueue | null>(null);
  const [error, setError] = useState('');
  const [autoAssign, setAutoAssign] = useState(false);
  const [, tick] = useState(0);

  useEffect(() => {
    const client = currentClient();
    client
      .call(dutyEndpoints.status, { params: { teamId } })
      .then(setDuty)
      .catch(() => undefined);
    client.watchQueue(teamId).then(setQueue, () => undefined);
    client
      .call(officeHoursEndpoints.hours, { params: { teamId } })
      .then((doc) => setAutoAssign(doc.settings.autoAssign))
      .catch(() => undefined);
    const off = client.on('queue', (update) => {
      if (update.teamId === teamId) setQueue(update);
    });
    // Waiting times grow while nobody changes the queue.
    const timer = setInterval(() => tick((n) => n + 1), 30_000);
    return () => {
      off();
      clearInterval(timer);
      void client.unwatchQueue(teamId).catch(() => undefined);
    };
  }, [teamId]);

  const onDuty = duty?.me?.onDuty ?? false;
  const toggle = async () => {
    setError('');
    try {
      setDuty(
        await currentClient().call(dutyEndpoints.switchDuty, {
          params: { teamId },
          body: { onDuty: !onDuty },
        }),
      );
      dutyChanged.update((n) => n + 1);
    } catch {
      setError(t('errorUnknown'));
    }
  };
  const waiting = queue?.view.waiting ?? [];
  const next = waiting.find((w) => w.pickable);
  const take = async () => {
    setError('');
    try {
      const picked = await currentClient().call(queueEndpoints.pick, {
        params: { teamId },
        body: next ? { expectedEntryId: next.entryId } : {},
      });
      navigate(`/gesprek/${picked.channelId}`);
    } catch {
      setError(t('pickFailed'));
    }
  };

  const heading = `team-${teamId}`;
  return (
    <section class="card" aria-labelledby={heading}>
      <h2 id={heading}>
        {t('queue')} {index > 0 ? index + 1 : ''}
      </h2>
      <p>
        <strong>{onDuty ? t('onDuty') : t('offDuty')}</strong>{' '}
        <button type="button" aria-pressed={onDuty} onClick={() => void toggle()}>
          {onDuty ? t('goOffDuty') : t('goOnDuty')}
        </button>
      </p>
      {waiting.length === 0 ? (
        <p>{t('queueEmpty')}</p>
      ) : (
        <ol class="queue" aria-label={t('queue')}>
          {waiting.map((w) => (
            <li key={w.entryId}>
              {t('waitingNumber', { n: w.position })} — {t('waitingFor', { m: minutes(w.waitingSeconds) })}
              {!w.pickable && ` (${t('question')})`}
            </li>
          ))}
        </ol>
      )}
      {autoAssign && <p class="hint">{t('worker_autoAssignOn')}</p>}
      <button type="button" class="primary" disabled={!onDuty || !next} onClick={() => void take()}>
        {t('takeNext')}
      </button>
      <p class="error" role="alert">
        {error}
      </p>
      {index === 0 && <Appointments />}
    </section>
  );
}
