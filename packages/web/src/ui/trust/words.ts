// Shared by the first load and these lazy pages, so the bundler keeps zod-config in the chunk that
// runs first (the CSP forbids eval; zod must be jitless before anything parses).
import '../../zod-config.ts';
import { locale } from '../../i18n.ts';
import * as words from '../../i18n/trust-pages.ts';

export type PageKey = keyof typeof words.nl;

/** Like `t` (../../i18n.ts), for the words of the trust pages, which load with the pages. */
export function tp(key: PageKey, params: Record<string, string | number> = {}): string {
  const text = (locale() === 'en' ? words.en : words.nl)[key];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}
