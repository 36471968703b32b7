import { z } from 'zod';
import type { Database } from '@spreekuur/db';
import { reminderDecision, toUtcIso } from '../domain/index.ts';
import { Outbox, type Notifier } from '../notifications/notifier.ts';
import { toAppointment, type AppointmentRow } from '../store/appointment-store.ts';
import type { Job } from '../store/job-store.ts';

/** Stored JSON of a reminder job. */
const reminderPayload = z.strictObject({
  appointmentId: z.uuid(),
  sequence: z.number().int().min(0),
  offsetMinutes: z.number().int().min(1),
});

/**
 * A reminder job fires: checked against the appointment as it is now (cancelled, rescheduled
 * since, or started: nothing is sent), then stored as an in-app notification for the resident
 * (once, even if the job runs twice) and pushed to their devices. The check and the store are one
 * transaction holding the appointment row `FOR SHARE`: a cancel or reschedule that has written the
 * row commits first and is seen; one that comes later waits until the reminder is stored. The
 * clock is read under that lock too, so a reminder that waited until the start is not sent.
 */
export async function runReminderJob(
  deps: { db: Database; clock: () => Date; notifier: Notifier },
  job: Job,
): Promise<void> {
  const payload = reminderPayload.parse(job.payload);
  const outbox = new Outbox();
  await deps.db.transaction(async (tx) => {
    const { rows } = await tx.query<AppointmentRow>(
      'SELECT * FROM appointments WHERE id = $1 AND org_id = $2 FOR SHARE',
      [payload.appointmentId, job.orgId],
    );
    if (!rows[0]) return;
    const appointment = toAppointment(rows[0]);
    const now = deps.clock();
    const decision = reminderDecision({ key: job.key, dueAt: job.dueAt, ...payload }, appointment, now);
    if (!decision.send) return;
    await outbox.notify(
      tx,
      {
        orgId: job.orgId,
        personId: appointment.residentId,
        kind: 'appointment_reminder',
        data: {
          appointmentId: appointment.id,
          start: toUtcIso(appointment.start),
          minutesBefore: payload.offsetMinutes,
        },
        dedupeKey: job.key,
      },
      'resident',
      now,
    );
  });
  await deps.notifier.push(outbox);
}
