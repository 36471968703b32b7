import {
  RETENTION_LIMITS,
  TEAM_RETENTION_FIELDS,
  type RetentionField,
  type RetentionSettings,
  type TeamRetentionField,
} from '@spreekuur/protocol/privacy';

/** The documented defaults (docs/privacy.md): short, so that nothing is kept for long by accident. */
export function defaultRetention(): RetentionSettings {
  const entries = Object.entries(RETENTION_LIMITS).map(([field, limits]) => [field, limits.default]);
  return Object.fromEntries(entries) as RetentionSettings;
}

/** Stored settings over the defaults: a value written by an older version may be missing. */
export function effectiveRetention(stored: Partial<RetentionSettings> | null): RetentionSettings {
  return { ...defaultRetention(), ...(stored ?? {}) };
}

export type TeamOverrides = Record<TeamRetentionField, number | null>;

/** A team's overrides after a change: a number replaces, null removes, absent keeps. */
export function mergeTeamOverrides(
  current: Partial<TeamOverrides> | null,
  change: Partial<Record<TeamRetentionField, number | null | undefined>>,
): TeamOverrides {
  const merged = {} as TeamOverrides;
  for (const field of TEAM_RETENTION_FIELDS) {
    const next = change[field];
    merged[field] = next === undefined ? (current?.[field] ?? null) : next;
  }
  return merged;
}

/** The instant before which something kept `days` days is due: now minus whole days. */
export function cutoff(now: Date, days: number): Date {
  return new Date(now.getTime() - days * 24 * 60 * 60 * 1000);
}

/** Which fields changed, for the audit entry (values are periods, not personal data). */
export function changedFields(before: RetentionSettings, after: RetentionSettings): Record<string, number> {
  const changed: Record<string, number> = {};
  for (const field of Object.keys(after) as RetentionField[]) {
    if (before[field] !== after[field]) changed[field] = after[field];
  }
  return changed;
}

const nlDays = (days: number) => (days === 1 ? '1 dag' : `${days} dagen`);
const enDays = (days: number) => (days === 1 ? '1 day' : `${days} days`);

/** The periods in plain words, for residents: Dutch first, English available. */
export function retentionWords(settings: RetentionSettings): { nl: string[]; en: string[] } {
  const s = settings;
  return {
    nl: [
      `Berichten in gesprekken en groepen worden ${nlDays(s.messagesDays)} na verzending gewist.`,
      `Chatspreekuur-gesprekken worden ${nlDays(s.officeHourDays)} na afloop gewist.`,
      `Gedeelde bestanden worden ${nlDays(s.filesDays)} na het delen gewist.`,
      `Gegevens over de wachtrij en achtergelaten vragen worden ${nlDays(s.queueDays)} na afloop gewist.`,
      `Afspraken worden ${nlDays(s.appointmentsDays)} na de afspraak gewist.`,
      `Meldingen worden na ${nlDays(s.notificationsDays)} gewist.`,
      `Het logboek van wie wat deed (nooit de inhoud van berichten) wordt ${nlDays(s.auditDays)} bewaard.`,
      'De server kan uw berichten en bestanden niet lezen: ze zijn versleuteld op uw apparaat.',
    ],
    en: [
      `Messages in conversations and groups are erased ${enDays(s.messagesDays)} after they were sent.`,
      `Office-hour chats are erased ${enDays(s.officeHourDays)} after they ended.`,
      `Shared files are erased ${enDays(s.filesDays)} after they were shared.`,
      `Queue records and questions left out of hours are erased ${enDays(s.queueDays)} after they ended.`,
      `Appointments are erased ${enDays(s.appointmentsDays)} after the appointment.`,
      `Notifications are erased after ${enDays(s.notificationsDays)}.`,
      `The log of who did what (never what was said) is kept for ${enDays(s.auditDays)}.`,
      'The server cannot read your messages and files: they are encrypted on your device.',
    ],
  };
}
