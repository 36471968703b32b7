import { notificationEndpoints, type SchedulingNotification } from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { locale, t } from '../../i18n.ts';
import { currentClient } from '../../state/session.ts';

type AboutAppointment = Extract<
  SchedulingNotification,
  {
    kind: 'appointment_reminder' | 'appointment_booked' | 'appointment_rescheduled' | 'appointment_cancelled';
  }
>;

function aboutAppointment(n: SchedulingNotification): n is AboutAppointment {
  return n.kind.startsWith('appointment_');
}

function when(iso: string): string {
  return new Intl.DateTimeFormat(locale() === 'nl' ? 'nl-NL' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(iso));
}

function text(n: AboutAppointment): string {
  const at = when(n.start);
  switch (n.kind) {
    case 'appointment_reminder':
      return t('worker_reminder', { when: at });
    case 'appointment_booked':
      return t('worker_bookedNote', { when: at });
    case 'appointment_rescheduled':
      return t('worker_rescheduledNote', { when: at });
    case 'appointment_cancelled':
      return t('worker_cancelledNote', { when: at });
  }
}

/**
 * The server's in-app notifications about appointments (reminders 24 hours and 1 hour before,
 * and changes the other side made), unread ones first in a banner; "Gezien" marks one read.
 * New ones arrive live (`scheduling:notification`).
 */
export function Reminders() {
  const [list, setList] = useState<AboutAppointment[]>([]);
  useEffect(() => {
    const client = currentClient();
    client
      .call(notificationEndpoints.list, { query: { unread: 'true' } })
      .then(({ notifications }) => setList(notifications.filter(aboutAppointment)))
      .catch(() => undefined);
    return client.on('notification', (n) => {
      if (aboutAppointment(n)) setList((items) => (items.some((i) => i.id === n.id) ? items : [n, ...items]));
    });
  }, []);
  if (list.length === 0) return null;

  const seen = async (id: string) => {
    setList((items) => items.filter((item) => item.id !== id));
    await currentClient()
      .call(notificationEndpoints.markRead, { body: { ids: [id] } })
      .catch(() => undefined);
  };
  return (
    <section class="card reminders" aria-labelledby="reminders-title">
      <h2 id="reminders-title">{t('worker_remindersTitle')}</h2>
      <ul class="list" aria-live="polite">
        {list.map((n) => (
          <li key={n.id} class="reminder">
            <span>{text(n)}</span>{' '}
            <button
              type="button"
              aria-label={t('worker_seenLabel', { text: text(n) })}
              onClick={() => void seen(n.id)}
            >
              {t('worker_seen')}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
