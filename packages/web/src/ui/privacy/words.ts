import { pageEn, pageNl } from '../../i18n/privacy-pages.ts';
import { locale, t, type MessageKey } from '../../i18n.ts';

type PageKey = keyof typeof pageNl;
/** A word of the privacy screens, or one of the app's own (`back`, `errorUnknown`, …). */
export type WordKey = PageKey | MessageKey;

const pages: Record<'nl' | 'en', Record<PageKey, string>> = { nl: pageNl, en: pageEn };

/** `t` for the privacy screens: their own words (loaded with them) first, then the app's. */
export function pt(key: WordKey, params: Record<string, string | number> = {}): string {
  if (!(key in pageNl)) return t(key as MessageKey, params);
  return pages[locale()][key as PageKey].replace(/\{(\w+)\}/g, (_, name: string) =>
    String(params[name] ?? ''),
  );
}
