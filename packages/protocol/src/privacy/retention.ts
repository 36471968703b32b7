import { z } from 'zod';
import { id, isoDateTime } from '../common.ts';

/**
 * How long the server keeps what it holds, in days. Organisation-wide values, and per team
 * the ones that belong to a team (office-hour conversations, queue records, appointments).
 * The defaults are short on purpose: keep no longer than the work needs (AVG art. 5(1)(e)).
 */
export const RETENTION_LIMITS = {
  messagesDays: { min: 1, max: 3650, default: 365 },
  officeHourDays: { min: 1, max: 3650, default: 30 },
  filesDays: { min: 1, max: 3650, default: 90 },
  queueDays: { min: 1, max: 3650, default: 30 },
  appointmentsDays: { min: 1, max: 3650, default: 180 },
  notificationsDays: { min: 1, max: 365, default: 30 },
  // An organisation must be able to account for what happened: at least half a year of audit trail.
  auditDays: { min: 180, max: 3650, default: 730 },
} as const;

export type RetentionField = keyof typeof RETENTION_LIMITS;

const days = (field: RetentionField) =>
  z.number().int().min(RETENTION_LIMITS[field].min).max(RETENTION_LIMITS[field].max);

/** The fields a team may set differently from its organisation. */
export const TEAM_RETENTION_FIELDS = ['officeHourDays', 'queueDays', 'appointmentsDays'] as const;
export type TeamRetentionField = (typeof TEAM_RETENTION_FIELDS)[number];

export const retentionSettings = z.object({
  messagesDays: days('messagesDays'),
  officeHourDays: days('officeHourDays'),
  filesDays: days('filesDays'),
  queueDays: days('queueDays'),
  appointmentsDays: days('appointmentsDays'),
  notificationsDays: days('notificationsDays'),
  auditDays: days('auditDays'),
});
export type RetentionSettings = z.infer<typeof retentionSettings>;

/** An admin changes some values; the others keep what they were. */
export const updateRetentionBody = retentionSettings.partial().strict();

/** A team's overrides: a number replaces the organisation's value, null goes back to it. */
export const teamRetentionOverrides = z.strictObject({
  officeHourDays: days('officeHourDays').nullable().optional(),
  queueDays: days('queueDays').nullable().optional(),
  appointmentsDays: days('appointmentsDays').nullable().optional(),
});

export const teamRetention = z.object({
  teamId: id,
  overrides: z.object({
    officeHourDays: z.number().int().nullable(),
    queueDays: z.number().int().nullable(),
    appointmentsDays: z.number().int().nullable(),
  }),
});

export const retentionView = z.object({
  organisation: retentionSettings,
  teams: z.array(teamRetention),
  updatedAt: isoDateTime.nullable(),
});
export type RetentionView = z.infer<typeof retentionView>;

/** What a retention run erased, counted (never what it was). */
export const retentionRunResult = z.object({
  messages: z.number().int(),
  officeHourChannels: z.number().int(),
  files: z.number().int(),
  queueEntries: z.number().int(),
  appointments: z.number().int(),
  notifications: z.number().int(),
  auditEntries: z.number().int(),
  /** History transfers past their 7 days (not a setting). */
  historyTransfers: z.number().int(),
});
export type RetentionRunResult = z.infer<typeof retentionRunResult>;

/** What a resident is shown: the periods in plain words, Dutch first. */
export const retentionNotice = z.object({
  settings: retentionSettings,
  nl: z.array(z.string()),
  en: z.array(z.string()),
});
