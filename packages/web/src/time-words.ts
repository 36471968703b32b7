import { locale } from './i18n.ts';

/** A time as people say it: "vandaag om 14:00", "morgen om 09:00", "dinsdag 10 december om 09:00". */
export function whenInWords(zoned: { local: string; timeZone: string }, now = new Date()): string {
  const date = zoned.local.slice(0, 10);
  const time = zoned.local.slice(11, 16);
  const day = (offsetDays: number) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: zoned.timeZone }).format(
      new Date(now.getTime() + offsetDays * 86_400_000),
    );
  const nl = locale() === 'nl';
  if (date === day(0)) return nl ? `vandaag om ${time}` : `today at ${time}`;
  if (date === day(1)) return nl ? `morgen om ${time}` : `tomorrow at ${time}`;
  const named = new Intl.DateTimeFormat(nl ? 'nl-NL' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
  return nl ? `${named} om ${time}` : `${named} at ${time}`;
}

/** Whole minutes, at least 1, for waits shown to people. */
export function minutes(seconds: number): number {
  return Math.max(1, Math.round(seconds / 60));
}
