import { z } from 'zod';
import { id, idParams } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { daysBetween } from './date-span.ts';
import { openingHours, workerAvailability } from './office-hours.ts';
import { teamParams, workerParams } from './params.ts';
import { DEFAULT_TIME_ZONE, localDate, offsetDateTime, timeOfDay, timeZone, utcInstant } from './time.ts';

/**
 * Appointments: the types a team offers, a worker's published availability, free slots, and
 * bookings with their reschedules, cancels and reminders.
 */

export const appointmentKind = z.enum(['chat', 'phone', 'video', 'in_person']);
export type AppointmentKind = z.infer<typeof appointmentKind>;

export const appointmentLocation = z.strictObject({
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().min(1).max(300),
  directions: z.string().trim().min(1).max(500).optional(),
});
export type AppointmentLocation = z.infer<typeof appointmentLocation>;

const requiredLocation = z.strictObject(appointmentLocation.shape, {
  error: (issue) => (issue.input === undefined ? 'a face-to-face appointment needs a location' : undefined),
});

const minutes = (max: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(max, { error: `must be at most ${max} minutes` });

const appointmentTypeFields = {
  name: z.string().trim().min(1).max(100),
  durationMinutes: minutes(480).min(5, { error: 'must be at least 5 minutes' }),
  /** Time kept free before and after (preparation, notes); buffers of two bookings never overlap. */
  bufferBeforeMinutes: minutes(240).default(0),
  bufferAfterMinutes: minutes(240).default(0),
  /** Slots start at least this long after the moment of booking. */
  minimumNoticeMinutes: minutes(60 * 24 * 30).default(60),
  /** Bookable from today through today + this many days, in the worker's calendar. */
  bookingWindowDays: z.number().int().min(1).max(365).default(30),
  /** Bookings of this type per worker per day; null = no limit. */
  maxPerDay: z.number().int().min(1).max(100).nullable().default(null),
  /**
   * Open bookings (not cancelled, not yet started) of this type one resident may have at once,
   * whoever booked them; rescheduling one does not count as another.
   */
  maxOpenBookingsPerResident: z.number().int().min(1).max(20).default(2),
  /** Distance between slot starts; null = duration + both buffers (back-to-back bookings fit exactly). */
  slotStepMinutes: minutes(480).min(5).nullable().default(null),
};

function appointmentTypeVariants<Extra extends z.ZodRawShape>(extra: Extra) {
  return [
    z.strictObject({ kind: z.literal('chat'), ...appointmentTypeFields, ...extra }),
    z.strictObject({ kind: z.literal('phone'), ...appointmentTypeFields, ...extra }),
    z.strictObject({ kind: z.literal('video'), ...appointmentTypeFields, ...extra }),
    /** Face to face: the only kind with (and always with) a location. */
    z.strictObject({
      kind: z.literal('in_person'),
      ...appointmentTypeFields,
      location: requiredLocation,
      ...extra,
    }),
  ] as const;
}

/** Create or update body of an appointment type. */
export const appointmentTypeInput = z.discriminatedUnion('kind', appointmentTypeVariants({}));
export type AppointmentTypeInput = z.infer<typeof appointmentTypeInput>;

export const appointmentType = z.discriminatedUnion('kind', appointmentTypeVariants({ id }));
export type AppointmentType = z.infer<typeof appointmentType>;

/** A free slot: instants in UTC, plus the wall-clock display in the listing's time zone. */
export const slot = z.strictObject({
  start: utcInstant,
  end: utcInstant,
  local: z.strictObject({ date: localDate, start: timeOfDay, end: timeOfDay, startIso: offsetDateTime }),
});
export type Slot = z.infer<typeof slot>;

/** Resident asks for slots on their own calendar dates, `from` through `to` inclusive. */
export const slotQuery = z
  .strictObject({
    appointmentTypeId: id,
    workerId: id,
    from: localDate,
    to: localDate,
    timeZone: timeZone.default(DEFAULT_TIME_ZONE),
  })
  .superRefine((query, ctx) => {
    const days = daysBetween(query.from, query.to);
    if (Number.isNaN(days)) return;
    if (days < 0) ctx.addIssue({ code: 'custom', message: '`to` must not be before `from`', path: ['to'] });
    else if (days > 31)
      ctx.addIssue({ code: 'custom', message: 'ask for at most 31 days at once', path: ['to'] });
  });
export type SlotQuery = z.infer<typeof slotQuery>;

export const slotListing = z.strictObject({
  appointmentTypeId: id,
  workerId: id,
  /** Zone of the `local` display fields. */
  timeZone,
  slots: z.array(slot).max(3000),
});
export type SlotListing = z.infer<typeof slotListing>;

export const bookAppointmentBody = z.strictObject({
  appointmentTypeId: id,
  workerId: id,
  start: utcInstant,
  /** Workers and admins booking on behalf of a resident name them; residents book for themselves. */
  residentId: id.optional(),
});
export const rescheduleAppointmentBody = z.strictObject({ start: utcInstant });

export const appointmentStatus = z.enum(['booked', 'cancelled']);
export type AppointmentStatus = z.infer<typeof appointmentStatus>;

export const appointment = z.strictObject({
  id,
  appointmentTypeId: id,
  workerId: id,
  residentId: id,
  kind: appointmentKind,
  location: appointmentLocation.nullable(),
  start: utcInstant,
  end: utcInstant,
  status: appointmentStatus,
  /** iCalendar SEQUENCE: 0 when booked, +1 on every reschedule and on cancel. */
  sequence: z.number().int().min(0),
});
export type AppointmentView = z.infer<typeof appointment>;

/** Minutes before the start at which an in-app reminder is due. */
export const reminderOffsets = z
  .array(
    z
      .number()
      .int()
      .min(1)
      .max(60 * 24 * 14),
  )
  .max(5)
  .refine((offsets) => new Set(offsets).size === offsets.length, { error: 'reminder times must differ' })
  .default([24 * 60, 60]);

export const appointmentTypeListing = z.strictObject({
  teamId: id,
  appointmentTypes: z.array(appointmentType).max(200),
  /** Workers of the team who publish availability, i.e. who can be booked. */
  workerIds: z.array(id).max(500),
});

export const workerAvailabilityDocument = z.strictObject({
  workerId: id,
  /** Null until the worker publishes availability for appointments. */
  availability: openingHours.nullable(),
  updatedAt: utcInstant.nullable(),
});

export const appointmentListQuery = z.strictObject({
  from: utcInstant.optional(),
  to: utcInstant.optional(),
});

// ---- Endpoints ------------------------------------------------------------------------

const appointmentTags = ['appointments'];

/** Appointment types, workers' availability, free slots, and booking, rescheduling, cancelling. */
export const appointmentEndpoints = {
  listTypes: endpoint({
    method: 'GET',
    path: '/v1/scheduling/teams/:teamId/appointment-types',
    access: 'device',
    tags: appointmentTags,
    summary: 'What a team offers (chat, phone, video, face to face) and who can be booked',
    params: teamParams,
    response: appointmentTypeListing,
  }),
  createType: endpoint({
    method: 'POST',
    path: '/v1/scheduling/teams/:teamId/appointment-types',
    access: 'device',
    tags: appointmentTags,
    params: teamParams,
    body: appointmentTypeInput,
    status: 201,
    response: appointmentType,
  }),
  updateType: endpoint({
    method: 'PUT',
    path: '/v1/scheduling/appointment-types/:id',
    access: 'device',
    tags: appointmentTags,
    summary: 'Change a type (existing appointments keep what they were booked with)',
    params: idParams,
    body: appointmentTypeInput,
    response: appointmentType,
  }),
  archiveType: endpoint({
    method: 'DELETE',
    path: '/v1/scheduling/appointment-types/:id',
    access: 'device',
    tags: appointmentTags,
    summary: 'Stop offering a type (existing appointments stay)',
    params: idParams,
    status: 204,
  }),
  availability: endpoint({
    method: 'GET',
    path: '/v1/scheduling/workers/:workerId/availability',
    access: 'device',
    tags: appointmentTags,
    params: workerParams,
    response: workerAvailabilityDocument,
  }),
  publishAvailability: endpoint({
    method: 'PUT',
    path: '/v1/scheduling/workers/:workerId/availability',
    access: 'device',
    tags: appointmentTags,
    summary: 'Publish when you can be booked (weekly ranges in your zone plus date overrides)',
    params: workerParams,
    body: workerAvailability,
    response: workerAvailabilityDocument,
  }),
  slots: endpoint({
    method: 'GET',
    path: '/v1/scheduling/slots',
    access: 'device',
    tags: appointmentTags,
    summary: 'Free slots on your own dates, in your zone',
    query: slotQuery,
    response: slotListing,
  }),
  book: endpoint({
    method: 'POST',
    path: '/v1/scheduling/appointments',
    access: 'device',
    tags: appointmentTags,
    summary:
      'Book a slot (exactly one of two people racing for it gets it); a resident has at most the type’s maxOpenBookingsPerResident open bookings of it (default 2), else 409 ERR_SCHED_BOOKING_LIMIT',
    body: bookAppointmentBody,
    status: 201,
    response: appointment,
  }),
  list: endpoint({
    method: 'GET',
    path: '/v1/scheduling/appointments',
    access: 'device',
    tags: appointmentTags,
    summary: 'Your appointments (residents: your own; workers: yours and your teams’)',
    query: appointmentListQuery,
    response: z.strictObject({ appointments: z.array(appointment).max(1000) }),
  }),
  get: endpoint({
    method: 'GET',
    path: '/v1/scheduling/appointments/:id',
    access: 'device',
    tags: appointmentTags,
    params: idParams,
    response: appointment,
  }),
  reschedule: endpoint({
    method: 'POST',
    path: '/v1/scheduling/appointments/:id/reschedule',
    access: 'device',
    tags: appointmentTags,
    params: idParams,
    body: rescheduleAppointmentBody,
    response: appointment,
  }),
  cancel: endpoint({
    method: 'POST',
    path: '/v1/scheduling/appointments/:id/cancel',
    access: 'device',
    tags: appointmentTags,
    params: idParams,
    response: appointment,
  }),
} as const;
