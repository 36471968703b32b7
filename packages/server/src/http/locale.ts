import type { Locale } from '@spreekuur/protocol/common';

/** Dutch first; English when the client clearly prefers it over Dutch. */
export function preferredLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'nl';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const quality = params.find((param) => param.trim().startsWith('q='));
      return { language: tag.split('-')[0] ?? '', q: quality ? Number(quality.trim().slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.language === 'nl' || entry.language === 'en')
    .sort((a, b) => b.q - a.q);
  return ranked[0]?.language === 'en' ? 'en' : 'nl';
}
