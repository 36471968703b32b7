import {
  appointmentEndpoints,
  type AppointmentType,
  type appointment,
  type Slot,
} from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import { calendarFile } from '../calendar-file.ts';
import { locale, t } from '../i18n.ts';
import { currentClient } from '../state/session.ts';

type Appointment = z.infer<typeof appointment>;
const ZONE = 'Europe/Amsterdam';
const DAYS_AHEAD = 14;
const SLOTS_SHOWN = 12;

function localDate(offsetDays: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(
    new Date(Date.now() + offsetDays * 86_400_000),
  );
}

function when(iso: string): string {
  return new Intl.DateTimeFormat(locale() === 'nl' ? 'nl-NL' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: ZONE,
  }).format(new Date(iso));
}

/** A resident books an appointment: kind, then a free slot; sees, cancels and saves their bookings. */
export function Booking({ teamId }: { teamId: string }) {
  const [types, setTypes] = useState<AppointmentType[]>([]);
  const [workerIds, setWorkerIds] = useState<string[]>([]);
  const [chosen, setChosen] = useState<AppointmentType | null>(null);
  const [slots, setSlots] = useState<Slot[] | null>(null);
  const [mine, setMine] = useState<Appointment[]>([]);
  const [error, setError] = useState('');
  const [moving, setMoving] = useState<{ appointment: Appointment; slots: Slot[] | null } | null>(null);
  const [done, setDone] = useState('');

  const loadMine = () =>
    currentClient()
      .call(appointmentEndpoints.list, { query: { from: new Date().toISOString() } })
      .then(({ appointments }) => setMine(appointments.filter((a) => a.status === 'booked')))
      .catch(() => undefined);

  useEffect(() => {
    currentClient()
      .call(appointmentEndpoints.listTypes, { params: { teamId } })
      .then((listing) => {
        setTypes(listing.appointmentTypes);
        setWorkerIds(listing.workerIds);
      })
      .catch(() => undefined);
    void loadMine();
  }, [teamId]);

  const workerId = workerIds[0];
  const freeSlots = async (appointmentTypeId: string, worker: string) =>
    (
      await currentClient().call(appointmentEndpoints.slots, {
        query: {
          appointmentTypeId,
          workerId: worker,
          from: localDate(0),
          to: localDate(DAYS_AHEAD - 1),
          timeZone: ZONE,
        },
      })
    ).slots.slice(0, SLOTS_SHOWN);
  /** Moving keeps the kind and the worker: only the time changes (the server retires the old reminders). */
  const startMove = async (a: Appointment) => {
    setError('');
    setDone('');
    setMoving({ appointment: a, slots: null });
    try {
      const slots = await freeSlots(a.appointmentTypeId, a.workerId);
      setMoving({ appointment: a, slots: slots.filter((s) => s.start !== a.start) });
    } catch {
      setError(t('errorUnknown'));
    }
  };
  const move = async (slot: Slot) => {
    if (!moving) return;
    setError('');
    try {
      await currentClient().call(appointmentEndpoints.reschedule, {
        params: { id: moving.appointment.id },
        body: { start: slot.start },
      });
      setMoving(null);
      setDone(t('worker_moved'));
      await loadMine();
    } catch {
      setError(t('slotGone'));
      await startMove(moving.appointment);
    }
  };
  const choose = async (type: AppointmentType) => {
    setChosen(type);
    setSlots(null);
    setError('');
    if (!workerId) return setSlots([]);
    try {
      setSlots(await freeSlots(type.id, workerId));
    } catch {
      setError(t('errorUnknown'));
    }
  };
  const book = async (slot: Slot) => {
    if (!chosen || !workerId) return;
    setError('');
    try {
      await currentClient().call(appointmentEndpoints.book, {
        body: { appointmentTypeId: chosen.id, workerId, start: slot.start },
      });
      setChosen(null);
      setSlots(null);
      await loadMine();
    } catch {
      setError(t('slotGone'));
      await choose(chosen);
    }
  };
  const cancel = async (id: string) => {
    setDone('');
    try {
      await currentClient().call(appointmentEndpoints.cancel, { params: { id } });
      await loadMine();
    } catch {
      setError(t('errorUnknown'));
    }
  };

  if (types.length === 0 && mine.length === 0) return null;
  const typeOf = (id: string) => types.find((type) => type.id === id);
  const heading = `booking-${teamId}`;
  return (
    <section class="card" aria-labelledby={heading}>
      <h2 id={heading}>{t('appointments')}</h2>
      {mine.length > 0 && (
        <ul class="list">
          {mine.map((a) => {
            const type = typeOf(a.appointmentTypeId);
            const place = a.location ? `${a.location.name}, ${a.location.address}` : undefined;
            const save = () => {
              const link = document.createElement('a');
              link.href = URL.createObjectURL(
                calendarFile({
                  id: a.id,
                  start: a.start,
                  end: a.end,
                  title: type?.name ?? t('appointments'),
                  ...(place ? { location: place } : {}),
                }),
              );
              link.download = 'afspraak.ics';
              link.click();
              setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
            };
            return (
              <li key={a.id} class="appointment">
                <p>
                  <strong>{when(a.start)}</strong> — {t(`kind_${a.kind}`)}
                  {place && <span class="hint"> ({place})</span>}
                </p>
                <p class="actions">
                  <button type="button" onClick={save}>
                    {t('addToCalendar')}
                  </button>
                  <button
                    type="button"
                    aria-expanded={moving?.appointment.id === a.id}
                    onClick={() => void startMove(a)}
                  >
                    {t('worker_moveAppointment')}
                  </button>
                  <button type="button" onClick={() => void cancel(a.id)}>
                    {t('cancelAppointment')}
                  </button>
                </p>
                {moving?.appointment.id === a.id && moving.slots && (
                  <fieldset>
                    <legend>{t('worker_chooseNewTime')}</legend>
                    {moving.slots.length === 0 && <p>{t('noSlots')}</p>}
                    <div class="slots move">
                      {moving.slots.map((slot) => (
                        <button key={slot.start} type="button" onClick={() => void move(slot)}>
                          {when(slot.start)}
                        </button>
                      ))}
                    </div>
                    <button type="button" onClick={() => setMoving(null)}>
                      {t('worker_keepTime')}
                    </button>
                  </fieldset>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {types.length > 0 && (
        <fieldset>
          <legend>{t('chooseKind')}</legend>
          {types.map((type) => (
            <button
              key={type.id}
              type="button"
              class="row"
              aria-pressed={chosen?.id === type.id}
              onClick={() => void choose(type)}
            >
              {type.name} — {t(`kind_${type.kind}`)}, {type.durationMinutes} min
            </button>
          ))}
        </fieldset>
      )}
      {chosen && slots && (
        <fieldset>
          <legend>{t('chooseTime')}</legend>
          {slots.length === 0 && <p>{t('noSlots')}</p>}
          <div class="slots">
            {slots.map((slot) => (
              <button key={slot.start} type="button" onClick={() => void book(slot)}>
                {when(slot.start)}
              </button>
            ))}
          </div>
        </fieldset>
      )}
      <p role="status">{done}</p>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
