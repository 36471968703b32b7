/**
 * Error codes of the scheduling domain, in the shape of `errorCatalog` in ../errors.ts so they can be
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
  ERR_SCHED_BOOKING_LIMIT: {
    status: 409,
    nl: 'U heeft al het maximale aantal afspraken van deze soort. Wilt u een nieuwe afspraak? Annuleer of verzet dan eerst een afspraak die u al heeft.',
    en: 'You already have the maximum number of appointments of this kind. For a new one, first cancel or move an appointment you already have.',
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
