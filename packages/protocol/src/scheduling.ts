import { z } from 'zod';
import { id } from './common.ts';

/**
 * Wire and stored-JSON shapes of the scheduling service: office hours, queue settings and views,
 * appointment types and slot listings. The rules behind them live in
 * services/scheduling/src/domain/README.md.
 */

// ---- Building blocks ------------------------------------------------------------------

export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

function isKnownTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name, e.g. `Europe/Amsterdam`. Fixed offsets like `+01:00` are refused: they ignore DST. */
export const timeZone = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+){0,2}$/, {
    error: 'must be an IANA time zone such as Europe/Amsterdam',
    abort: true,
  })
  .refine(isKnownTimeZone, { error: 'unknown time zone' });

/** A calendar date without a zone, `YYYY-MM-DD`. */
export const localDate = z.iso.date({ error: 'must be a date as YYYY-MM-DD' });
export type LocalDate = z.infer<typeof localDate>;

/** An instant in UTC, `2025-03-30T07:00:00Z`: every instant the server sends or stores. */
export const utcInstant = z.iso.datetime({ error: 'must be an ISO 8601 date-time in UTC (ending in Z)' });

/** A date-time with the offset of a named zone, for display: `2025-03-30T09:00:00+02:00`. */
export const offsetDateTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time' });

const TIME_OF_DAY = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** Wall-clock time `HH:mm`; `24:00` is allowed as the end of a range (midnight at the end of the day). */
export const timeOfDay = z.string().regex(TIME_OF_DAY, { error: 'must be a time as HH:mm (00:00 to 24:00)' });
export type TimeOfDay = z.infer<typeof timeOfDay>;

/** Wall-clock range on one day, start inclusive, end exclusive. `HH:mm` strings compare correctly as text. */
export const timeRange = z
  .strictObject({ start: timeOfDay, end: timeOfDay })
  .refine(
    (range) => !TIME_OF_DAY.test(range.start) || !TIME_OF_DAY.test(range.end) || range.start < range.end,
    {
      error: 'start must be before end',
      path: ['end'],
    },
  );
export type TimeRange = z.infer<typeof timeRange>;

/** The ranges of one day: several allowed (09:00–12:00 and 13:00–15:00), touching allowed, overlapping not. */
export const dayRanges = z
  .array(timeRange)
  .max(12, { error: 'at most 12 ranges per day' })
  .superRefine((ranges, ctx) => {
    // Malformed ranges have their own issues already; only compare the well-formed ones.
    const sorted = ranges
      .map((range, index) => ({ range, index }))
      .filter(
        ({ range }) =>
          TIME_OF_DAY.test(range.start) && TIME_OF_DAY.test(range.end) && range.start < range.end,
      )
      .sort((a, b) => compare(a.range.start, b.range.start));
    for (let i = 1; i < sorted.length; i++) {
      const previous = sorted[i - 1]!.range;
      const current = sorted[i]!;
      if (current.range.start < previous.end) {
        ctx.addIssue({
          code: 'custom',
          message: `ranges overlap: ${previous.start}–${previous.end} and ${current.range.start}–${current.range.end}`,
          path: [current.index],
        });
      }
    }
  });

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** ISO weekday order: index 0 is Monday (ISO weekday 1), index 6 is Sunday (ISO weekday 7). */
export const weekdayNames = [
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
] as const;
export type WeekdayName = (typeof weekdayNames)[number];

export const weeklySchedule = z.strictObject({
  timeZone: timeZone.default(DEFAULT_TIME_ZONE),
  days: z.strictObject({
    monday: dayRanges.default([]),
    tuesday: dayRanges.default([]),
    wednesday: dayRanges.default([]),
    thursday: dayRanges.default([]),
    friday: dayRanges.default([]),
    saturday: dayRanges.default([]),
    sunday: dayRanges.default([]),
  }),
});
export type WeeklySchedule = z.infer<typeof weeklySchedule>;

const overrideLabel = z.string().trim().min(1).max(100, { error: 'label must be at most 100 characters' });

/** Longest closed date range: a year (a longer closure is a schedule change, not an override). */
export const MAX_CLOSED_RANGE_DAYS = 366;

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/**
 * An exception to the weekly schedule. Precedence (most specific wins): an override for a single
 * date, then a closed date range, then the weekly schedule.
 */
export const dateOverride = z.discriminatedUnion('kind', [
  /** Closed all day. */
  z.strictObject({ kind: z.literal('closed'), date: localDate, label: overrideLabel.optional() }),
  /** Closed from `from` through `to`, both inclusive (holidays). */
  z
    .strictObject({
      kind: z.literal('closed_range'),
      from: localDate,
      to: localDate,
      label: overrideLabel.optional(),
    })
    .superRefine((range, ctx) => {
      const days = daysBetween(range.from, range.to);
      if (Number.isNaN(days)) return; // the date formats already failed
      if (days < 0) ctx.addIssue({ code: 'custom', message: '`to` must not be before `from`', path: ['to'] });
      else if (days >= MAX_CLOSED_RANGE_DAYS) {
        ctx.addIssue({
          code: 'custom',
          message: `a closed range spans at most ${MAX_CLOSED_RANGE_DAYS} days`,
          path: ['to'],
        });
      }
    }),
  /**
   * Hours on one date: `replace` uses exactly these ranges (also on a normally closed day or in a
   * holiday); `extra` adds them to the weekly ranges of that weekday.
   */
  z.strictObject({
    kind: z.literal('hours'),
    date: localDate,
    mode: z.enum(['replace', 'extra']),
    ranges: dayRanges.min(1, { error: 'give at least one range (use kind "closed" to close the day)' }),
    label: overrideLabel.optional(),
  }),
]);
export type DateOverride = z.infer<typeof dateOverride>;

export const dateOverrides = z
  .array(dateOverride)
  .max(500, { error: 'at most 500 date overrides' })
  .superRefine((overrides, ctx) => {
    const seen = new Map<string, number>();
    overrides.forEach((override, index) => {
      if (override.kind === 'closed_range') return;
      const earlier = seen.get(override.date);
      if (earlier !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `only one override per date: ${override.date} is also override ${earlier}`,
          path: [index, 'date'],
        });
      } else seen.set(override.date, index);
    });
  });

/** Weekly schedule plus overrides: a team's office hours, or a worker's availability for appointments. */
export const openingHours = z.strictObject({
  weekly: weeklySchedule,
  overrides: dateOverrides.default([]),
});
export type OpeningHours = z.infer<typeof openingHours>;
export type OpeningHoursInput = z.input<typeof openingHours>;

export const teamOfficeHours = openingHours;
export const workerAvailability = openingHours;

/** The current state of a team's office hours, as residents see it (times also in their own zone). */
export const zonedInstant = z.strictObject({ utc: utcInstant, local: offsetDateTime, timeZone });
export type ZonedInstant = z.infer<typeof zonedInstant>;

export const officeHoursStatus = z.discriminatedUnion('state', [
  z.strictObject({ state: z.literal('open'), closesAt: zonedInstant.nullable() }),
  z.strictObject({ state: z.literal('closed'), opensAt: zonedInstant.nullable() }),
]);
export type OfficeHoursStatus = z.infer<typeof officeHoursStatus>;

// ---- Live queue -----------------------------------------------------------------------

export const queueSettings = z.strictObject({
  /** Assign the longest-waiting resident to the least-busy worker on duty, instead of workers picking. */
  autoAssign: z.boolean().default(false),
  /** At closing time: keep waiting residents for the next opening, or let the workers on duty finish them. */
  whenHoursEnd: z.enum(['keep_queued', 'finish_queue']).default('keep_queued'),
  maxConcurrentPerWorker: z.number().int().min(1).max(20).default(3),
});
export type QueueSettings = z.infer<typeof queueSettings>;

/** `finishing`: hours have ended and workers finish those who were waiting at closing time. */
export const queueMode = z.enum(['open', 'finishing', 'closed']);
export type QueueMode = z.infer<typeof queueMode>;

export const closeOutcome = z.enum([
  'resolved',
  'referred',
  'appointment_booked',
  'follow_up_needed',
  'no_response',
  'other',
]);
export type CloseOutcome = z.infer<typeof closeOutcome>;

/** Resident starts an office-hour conversation. Outside hours only as a question waiting for the opening. */
export const joinQueueBody = z.strictObject({
  whenClosed: z.enum(['reject', 'leave_question']).default('reject'),
  /** The resident's own zone, for the times they are shown (default Europe/Amsterdam). */
  timeZone: timeZone.optional(),
});
/** Worker takes the next resident; `expectedEntryId` is what their screen showed (refused if taken meanwhile). */
export const pickNextBody = z.strictObject({ expectedEntryId: id.optional() });
export const transferBody = z.strictObject({ toWorkerId: id });
export const closeConversationBody = z.strictObject({ outcome: closeOutcome });

export const waitEstimate = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('estimate'),
    seconds: z.number().int().min(0),
    /** `default`: too little recent history, a configured typical handling time was used. */
    basis: z.enum(['recent_handling', 'default']),
  }),
  z.strictObject({ kind: z.literal('unknown'), reason: z.enum(['closed', 'no_workers_on_duty']) }),
]);
export type WaitEstimate = z.infer<typeof waitEstimate>;

export const residentQueueView = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('waiting'),
    entryId: id,
    /** 1 = next in line. */
    position: z.number().int().min(1),
    waitEstimate,
    mode: queueMode,
    /** When the queue is closed for this resident: the next opening (also in the resident's zone). */
    opensAt: zonedInstant.nullable(),
  }),
  z.strictObject({ status: z.literal('assigned'), entryId: id, assignedAt: utcInstant }),
  z.strictObject({ status: z.literal('on_hold'), entryId: id, heldAt: utcInstant }),
]);
export type ResidentQueueView = z.infer<typeof residentQueueView>;

export const workerQueueView = z.strictObject({
  mode: queueMode,
  closesAt: zonedInstant.nullable(),
  opensAt: zonedInstant.nullable(),
  waiting: z
    .array(
      z.strictObject({
        entryId: id,
        position: z.number().int().min(1),
        joinedAt: utcInstant,
        waitingSeconds: z.number().int().min(0),
        /** Can be picked now (false for questions left after closing, until the next opening). */
        pickable: z.boolean(),
      }),
    )
    .max(1000),
  active: z
    .array(
      z.discriminatedUnion('status', [
        z.strictObject({ status: z.literal('assigned'), entryId: id, workerId: id, assignedAt: utcInstant }),
        z.strictObject({
          status: z.literal('on_hold'),
          entryId: id,
          workerId: id,
          assignedAt: utcInstant,
          heldAt: utcInstant,
        }),
      ]),
    )
    .max(1000),
  staff: z
    .array(
      z.strictObject({
        workerId: id,
        activeCount: z.number().int().min(0),
        onHoldCount: z.number().int().min(0),
        capacity: z.number().int().min(1),
      }),
    )
    .max(200),
  nextWaitEstimate: waitEstimate,
});
export type WorkerQueueView = z.infer<typeof workerQueueView>;

// ---- Appointments ---------------------------------------------------------------------

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

// ---- Service API: parameters, documents, events ------------------------------------------

export const teamParams = z.strictObject({ teamId: id });
export const entryParams = z.strictObject({ entryId: id });
export const workerParams = z.strictObject({ workerId: id });
export const resourceParams = z.strictObject({ id });
export const shiftParams = z.strictObject({ teamId: id, shiftId: id });

/** `?timeZone=Europe/Amsterdam`: the zone a person wants times shown in. */
export const timeZoneQuery = z.strictObject({ timeZone: timeZone.default(DEFAULT_TIME_ZONE) });

/** Organisation-wide scheduling settings (admins). */
export const schedulingSettings = z.strictObject({
  /** Show residents' names in workers' calendar files and feeds. Off: only the kind of appointment. */
  calendarResidentNames: z.boolean().default(false),
});
export type SchedulingSettings = z.infer<typeof schedulingSettings>;

/** A team's published office hours and queue settings. */
export const teamOfficeHoursDocument = z.strictObject({
  teamId: id,
  /** False until the team publishes hours: until then the team is closed. */
  published: z.boolean(),
  hours: openingHours,
  settings: queueSettings,
  updatedAt: utcInstant.nullable(),
});
export type TeamOfficeHoursDocument = z.infer<typeof teamOfficeHoursDocument>;

/** One coming opening, shown in the reader's zone. */
export const upcomingOpening = z.strictObject({ start: zonedInstant, end: zonedInstant });

/** What a resident sees of a team: open or when it opens, how to go ahead, and the other ways in. */
export const teamStatus = z.strictObject({
  teamId: id,
  officeHours: officeHoursStatus,
  queueMode,
  /**
   * `live`: join the queue now; `question`: leave a question that enters the queue at the next
   * opening; `unavailable`: the team publishes no office hours.
   */
  join: z.enum(['live', 'question', 'unavailable']),
  /** The next openings (up to 14 days ahead). */
  upcoming: z.array(upcomingOpening).max(14),
  /** Every kind of appointment the team offers: face-to-face and phone are never hidden behind chat. */
  appointmentKinds: z.array(appointmentKind),
});
export type TeamStatus = z.infer<typeof teamStatus>;

// Duty -------------------------------------------------------------------------------------

export const rosterShift = z.strictObject({
  id,
  teamId: id,
  workerId: id,
  start: utcInstant,
  end: utcInstant,
});
export type RosterShiftView = z.infer<typeof rosterShift>;

const MAX_SHIFT_MS = 7 * 86_400_000;

export const createRosterShiftBody = z
  .strictObject({ workerId: id, start: utcInstant, end: utcInstant })
  .superRefine((shift, ctx) => {
    const length = Date.parse(shift.end) - Date.parse(shift.start);
    if (Number.isNaN(length)) return;
    if (length <= 0) ctx.addIssue({ code: 'custom', message: 'end must be after start', path: ['end'] });
    else if (length > MAX_SHIFT_MS)
      ctx.addIssue({ code: 'custom', message: 'a shift lasts at most 7 days', path: ['end'] });
  });

const MAX_ROSTER_QUERY_MS = 62 * 86_400_000;

export const rosterQuery = z.strictObject({ from: utcInstant, to: utcInstant }).superRefine((query, ctx) => {
  const length = Date.parse(query.to) - Date.parse(query.from);
  if (Number.isNaN(length)) return;
  if (length <= 0) ctx.addIssue({ code: 'custom', message: '`to` must be after `from`', path: ['to'] });
  else if (length > MAX_ROSTER_QUERY_MS)
    ctx.addIssue({ code: 'custom', message: 'ask for at most 62 days at once', path: ['to'] });
});

/** A worker switches themselves on or off duty (holds until the end of the current or next opening). */
export const dutyToggleBody = z.strictObject({ onDuty: z.boolean() });

export const dutyStatus = z.strictObject({
  teamId: id,
  /** Workers taking queue conversations now. */
  staff: z.array(id).max(200),
  /** The caller's own duty (null for callers who are not workers of the team). */
  me: z
    .strictObject({
      onDuty: z.boolean(),
      /** When the caller will next be on duty (null: on duty now, or not in the roster). */
      nextOnDuty: utcInstant.nullable(),
    })
    .nullable(),
});
export type DutyStatus = z.infer<typeof dutyStatus>;

/** Whether a message to a worker reaches them now, or when it will be seen (their next duty). */
export const reachability = z.discriminatedUnion('reachable', [
  z.strictObject({ workerId: id, reachable: z.literal(true) }),
  z.strictObject({ workerId: id, reachable: z.literal(false), seenFrom: zonedInstant.nullable() }),
]);
export type Reachability = z.infer<typeof reachability>;

// Queue ------------------------------------------------------------------------------------

export const queueEntryStatus = z.enum(['waiting', 'assigned', 'on_hold', 'closed', 'left']);

/** One office-hour conversation as the queue sees it (for workers of the team). */
export const queueConversation = z.strictObject({
  entryId: id,
  teamId: id,
  /** The end-to-end encrypted chat channel of the conversation. */
  channelId: id,
  residentId: id,
  status: queueEntryStatus,
  workerId: id.nullable(),
  asQuestion: z.boolean(),
  joinedAt: utcInstant,
});
export type QueueConversation = z.infer<typeof queueConversation>;

/** The live queue of a team as workers see it (REST answer and `scheduling:queue` event). */
export const teamQueue = z.strictObject({
  teamId: id,
  view: workerQueueView,
  conversations: z.array(queueConversation).max(2000),
});
export type TeamQueue = z.infer<typeof teamQueue>;

/** A resident's own queue entry (REST answer and `scheduling:queue:entry` event). */
export const residentQueueEntry = z.strictObject({
  entryId: id,
  teamId: id,
  channelId: id,
  asQuestion: z.boolean(),
  joinedAt: utcInstant,
  /** Place, wait estimate or assignment; null once the conversation has ended. */
  view: residentQueueView.nullable(),
  ended: z.strictObject({ reason: z.enum(['closed', 'left']), outcome: closeOutcome.nullable() }).nullable(),
});
export type ResidentQueueEntry = z.infer<typeof residentQueueEntry>;

// Appointments -----------------------------------------------------------------------------

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

export const appointmentList = z.strictObject({ appointments: z.array(appointment).max(1000) });

/** A worker's calendar feed: the URL (with its secret token) is shown once, when made. */
export const calendarFeed = z.strictObject({ url: z.url(), createdAt: utcInstant });
export const calendarFeedQuery = z.strictObject({ token: z.string().min(20).max(200) });

// In-app notifications ----------------------------------------------------------------------

const notificationBase = { id, createdAt: utcInstant, readAt: utcInstant.nullable() };
const appointmentChange = { appointmentId: id, start: utcInstant, byPersonId: id.nullable() };

/** In-app notifications (stored, and pushed as `scheduling:notification`). Ids and times only. */
export const schedulingNotification = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('appointment_reminder'),
    ...notificationBase,
    appointmentId: id,
    start: utcInstant,
    minutesBefore: z.number().int().min(1),
  }),
  z.strictObject({ kind: z.literal('appointment_booked'), ...notificationBase, ...appointmentChange }),
  z.strictObject({ kind: z.literal('appointment_rescheduled'), ...notificationBase, ...appointmentChange }),
  z.strictObject({ kind: z.literal('appointment_cancelled'), ...notificationBase, ...appointmentChange }),
  /** Hours ended: you stay in line; the queue opens again at `opensAt`. */
  z.strictObject({
    kind: z.literal('queue_kept_for_next_opening'),
    ...notificationBase,
    entryId: id,
    teamId: id,
    opensAt: utcInstant.nullable(),
  }),
  /** Hours ended, but a worker will still answer you today. */
  z.strictObject({ kind: z.literal('queue_being_finished'), ...notificationBase, entryId: id, teamId: id }),
  /** Office hours opened: the question you left (or your place kept from before) is now in the queue. */
  z.strictObject({ kind: z.literal('question_in_queue'), ...notificationBase, entryId: id, teamId: id }),
  /** A conversation was assigned (resident: a worker picked it up; worker: assigned or transferred to you). */
  z.strictObject({
    kind: z.literal('conversation_assigned'),
    ...notificationBase,
    entryId: id,
    teamId: id,
    channelId: id,
  }),
]);
export type SchedulingNotification = z.infer<typeof schedulingNotification>;
export type SchedulingNotificationKind = SchedulingNotification['kind'];

export const notificationList = z.strictObject({
  notifications: z.array(schedulingNotification).max(200),
});
export const notificationQuery = z.strictObject({
  unread: z.enum(['true', 'false']).optional(),
});
export const markNotificationsReadBody = z.strictObject({ ids: z.array(id).min(1).max(200) });

// socket.io --------------------------------------------------------------------------------

/** Client → server events (ack `{ ok, data }` as everywhere). */
export const schedulingClientEvents = {
  /** Workers and admins of the team: receive `scheduling:queue` on every change; answers the current queue. */
  'scheduling:queue:watch': { payload: teamParams, ack: teamQueue },
  'scheduling:queue:unwatch': { payload: teamParams, ack: z.object({}) },
} as const;

/** Server → client events. */
export const schedulingServerEvents = {
  /** To workers watching a team: the queue after every change. */
  'scheduling:queue': teamQueue,
  /** To a resident: their own entry after every change (place, estimate, assignment, end). */
  'scheduling:queue:entry': residentQueueEntry,
  /** To a person: a new in-app notification (workers only while reachable). */
  'scheduling:notification': schedulingNotification,
} as const;

// ---- Errors ---------------------------------------------------------------------------

/**
 * Error codes of the scheduling domain, in the shape of `errorCatalog` in ./errors.ts so they can be
 * spread into it. The domain returns them as values; the edge maps them to HTTP / socket acks.
 */
export const schedulingErrorCatalog = {
  ERR_SCHED_CLOSED: {
    status: 409,
    nl: 'Het spreekuur is nu gesloten. U kunt een vraag achterlaten of een afspraak maken.',
    en: 'Office hours are closed now. You can leave a question or book an appointment.',
  },
  ERR_SCHED_ALREADY_QUEUED: {
    status: 409,
    nl: 'U staat al in de wachtrij.',
    en: 'You are already in the queue.',
  },
  ERR_SCHED_QUEUE_ENTRY_NOT_FOUND: {
    status: 404,
    nl: 'Dit gesprek staat niet (meer) in de wachtrij.',
    en: 'This conversation is not (or no longer) in the queue.',
  },
  ERR_SCHED_QUEUE_EMPTY: {
    status: 409,
    nl: 'Er wacht op dit moment niemand.',
    en: 'Nobody is waiting right now.',
  },
  ERR_SCHED_QUEUE_NOT_WAITING: {
    status: 409,
    nl: 'Dit gesprek is intussen al opgepakt.',
    en: 'This conversation has already been taken.',
  },
  ERR_SCHED_QUEUE_NOT_NEXT: {
    status: 409,
    nl: 'Iemand anders wacht langer. Pak het volgende gesprek op.',
    en: 'Someone else has been waiting longer. Please take the next conversation.',
  },
  ERR_SCHED_QUEUE_NOT_ASSIGNED: {
    status: 409,
    nl: 'Dit gesprek is niet actief.',
    en: 'This conversation is not active.',
  },
  ERR_SCHED_QUEUE_NOT_ON_HOLD: {
    status: 409,
    nl: 'Dit gesprek staat niet in de wacht.',
    en: 'This conversation is not on hold.',
  },
  ERR_SCHED_NOT_YOUR_CONVERSATION: {
    status: 403,
    nl: 'Dit gesprek is aan een collega toegewezen.',
    en: 'This conversation is assigned to a colleague.',
  },
  ERR_SCHED_TRANSFER_TO_SELF: {
    status: 422,
    nl: 'Kies een collega om het gesprek aan over te dragen.',
    en: 'Choose a colleague to transfer the conversation to.',
  },
  ERR_SCHED_OVER_CAPACITY: {
    status: 409,
    nl: 'Het maximale aantal gelijktijdige gesprekken is bereikt.',
    en: 'The maximum number of simultaneous conversations has been reached.',
  },
  ERR_SCHED_NOT_ON_DUTY: {
    status: 409,
    nl: 'Deze medewerker heeft nu geen dienst.',
    en: 'This worker is not on duty now.',
  },
  ERR_SCHED_NOT_A_SLOT: {
    status: 422,
    nl: 'Op dit tijdstip kan geen afspraak beginnen. Kies een tijd uit de lijst.',
    en: 'An appointment cannot start at this time. Please choose a time from the list.',
  },
  ERR_SCHED_SLOT_TAKEN: {
    status: 409,
    nl: 'Dit tijdstip is net bezet geraakt. Kies een ander tijdstip.',
    en: 'This time has just been taken. Please choose another time.',
  },
  ERR_SCHED_TOO_SOON: {
    status: 422,
    nl: 'Dit tijdstip is te kort van tevoren. Kies een later tijdstip.',
    en: 'This time is too soon. Please choose a later time.',
  },
  ERR_SCHED_OUTSIDE_WINDOW: {
    status: 422,
    nl: 'Zo ver vooruit kunt u nog geen afspraak maken.',
    en: 'Appointments cannot be booked this far ahead yet.',
  },
  ERR_SCHED_DAY_FULL: {
    status: 409,
    nl: 'Deze dag is vol. Kies een andere dag.',
    en: 'This day is fully booked. Please choose another day.',
  },
  ERR_SCHED_APPOINTMENT_CANCELLED: {
    status: 409,
    nl: 'Deze afspraak is geannuleerd.',
    en: 'This appointment has been cancelled.',
  },
  ERR_SCHED_APPOINTMENT_STARTED: {
    status: 409,
    nl: 'Deze afspraak is al begonnen of voorbij.',
    en: 'This appointment has already started or ended.',
  },
  ERR_SCHED_SHIFT_OVERLAPS_APPOINTMENT: {
    status: 409,
    nl: 'De medewerker heeft tijdens deze dienst al een afspraak. Verzet of annuleer die eerst, of kies een andere tijd voor de dienst.',
    en: 'The worker already has an appointment during this shift. Reschedule or cancel it first, or choose another time for the shift.',
  },
} as const satisfies Record<string, { status: 403 | 404 | 409 | 422; nl: string; en: string }>;

export type SchedulingErrorCode = keyof typeof schedulingErrorCatalog;
