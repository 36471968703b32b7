import { appointmentEndpoints, type appointment } from '@spreekuur/protocol/scheduling';
import type { z } from 'zod';
import { useEffect, useState } from 'preact/hooks';
import { locale, t } from '../i18n.ts';
import { currentClient } from '../state/session.ts';

type Appointment = z.infer<typeof appointment>;

/** Today's and the coming week's appointments (workers: their own; residents: theirs). */
export function Appointments() {
  const [list, setList] = useState<Appointment[] | null>(null);
  useEffect(() => {
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    const to = new Date(from.getTime() + 7 * 86_400_000);
    currentClient()
      .call(appointmentEndpoints.list, { query: { from: from.toISOString(), to: to.toISOString() } })
      .then(({ appointments }) => setList(appointments.filter((a) => a.status === 'booked')))
      .catch(() => setList([]));
  }, []);
  const format = new Intl.DateTimeFormat(locale() === 'nl' ? 'nl-NL' : 'en-GB', {
    weekday: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'Europe/Amsterdam',
  });
  return (
    <>
      <h3>{t('appointments')}</h3>
      {list?.length === 0 && <p>{t('noAppointments')}</p>}
      <ul>
        {list?.map((a) => (
          <li key={a.id}>
            {format.format(new Date(a.start))} — {t(`kind_${a.kind}`)}
          </li>
        ))}
      </ul>
    </>
  );
}
