/** CLI language: Dutch first, English with --lang en or an English SPREEKUUR_LANG/LC_ALL/LANG. */
export type Lang = 'nl' | 'en';

export function detectLang(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env): Lang {
  if (explicit === 'en' || explicit === 'nl') return explicit;
  const system = env.SPREEKUUR_LANG ?? env.LC_ALL ?? env.LANG ?? '';
  return system.toLowerCase().startsWith('en') ? 'en' : 'nl';
}

/** Dates and times as a person in the Netherlands reads them. */
export function when(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB', {
    timeZone: 'Europe/Amsterdam',
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}
