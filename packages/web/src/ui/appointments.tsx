import { appointmentEndpoints, type appointment } from '@spreekuur/protocol/scheduling';
import type { z } from 'zod';
import { useEffect, useState } from 'preact/hooks';
import { locale, t } from '../i18n.ts';
import { currentClient } from '../state/session.ts';

type Appointment = z.infer<typeof appointment>;
const ZONE = 'Europe/Amsterdam';

const dayOf = (iso: string) => new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date(iso));

/** A worker's appointments: today's first (with the time), then the rest of the coming week. */
export function Appointments() {
  const [list, setList] = useState<Appointment[] | null>(null);
  useEffect(() => {
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    const to = new Date(from.getTime() + 7 * 86_400_000);
    currentClient()
      .call(appointmentEndpoints.list, { query: { from: from.toISOString(), to: to.toISOString() } })
      .then(({ appointments }) =>
        setList(
          appointments.filter((a) => a.status === 'booked').sort((a, b) => (a.start < b.start ? -1 : 1)),
        ),
      )
      .catch(() => setList([]));
  }, []);
  const tag = locale() === 'nl' ? 'nl-NL' : 'en-GB';
  const time = new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', timeZone: ZONE });
  const dayAndTime = new Intl.DateTimeFormat(tag, {
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: ZONE,
  });
  const today = dayOf(new Date().toISOString());
  const todays = list?.filter((a) => dayOf(a.start) === today) ?? [];
  const later = list?.filter((a) => dayOf(a.start) !== today) ?? [];
  const where = (a: Appointment) => (a.location ? ` (${a.location.name})` : '');
  return (
    <>
      <h3>{t('worker_today')}</h3>
      {list && todays.length === 0 && <p>{t('worker_noAppointmentsToday')}</p>}
      <ul class="today">
        {todays.map((a) => (
          <li key={a.id}>
            <strong>
              {time.format(new Date(a.start))}–{time.format(new Date(a.end))}
            </strong>{' '}
            — {t(`kind_${a.kind}`)}
            {where(a)}
          </li>
        ))}
      </ul>
      {later.length > 0 && (
        <>
          <h3>{t('worker_laterThisWeek')}</h3>
          <ul>
            {later.map((a) => (
              <li key={a.id}>
                {dayAndTime.format(new Date(a.start))} — {t(`kind_${a.kind}`)}
                {where(a)}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
