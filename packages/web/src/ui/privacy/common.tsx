// The privacy pages are separate chunks: importing the zod set-up here puts it in the chunk they
// share with the app, so it still runs before any schema parses (see src/zod-config.ts).
import '../../zod-config.ts';
import type { ComponentChildren } from 'preact';
import { locale, t } from '../../i18n.ts';
import { navigate } from '../../router.ts';
import { me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';

/** A period in the largest whole unit that fits: "30 dagen" stays days, 365 is "1 jaar", 14 is "2 weken". */
export function daysInWords(days: number): string {
  const pick = (n: number, one: Parameters<typeof t>[0], many: Parameters<typeof t>[0]) =>
    t(n === 1 ? one : many, { n });
  if (days % 365 === 0) return pick(days / 365, 'privacy_year', 'privacy_years');
  if (days % 30 === 0 && days < 365 && days !== 30) return pick(days / 30, 'privacy_month', 'privacy_months');
  if (days % 7 === 0 && days < 30) return pick(days / 7, 'privacy_week', 'privacy_weeks');
  return pick(days, 'privacy_day', 'privacy_days');
}

const tag = () => (locale() === 'nl' ? 'nl-NL' : 'en-GB');

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'medium' }).format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(tag(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

/** A page of the privacy feature: back link, title, and its content (admins only when `admin`). */
export function PrivacyPage({
  id,
  title,
  admin = false,
  children,
}: {
  id: string;
  title: string;
  admin?: boolean;
  children: ComponentChildren;
}) {
  const role = useObservable(me)?.person.role;
  return (
    <section aria-labelledby={id}>
      <p>
        <a
          href="/"
          onClick={(event) => {
            event.preventDefault();
            navigate('/');
          }}
        >
          ← {t('back')}
        </a>
      </p>
      <h1 id={id}>{title}</h1>
      {admin && role !== 'admin' ? <p role="alert">{t('privacy_adminOnly')}</p> : children}
    </section>
  );
}

/** Hands `contents` to the browser as a file download (a blob URL; nothing leaves the device). */
export function saveFile(name: string, type: string, contents: BlobPart): void {
  const url = URL.createObjectURL(new Blob([contents], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL; give the browser a moment before letting it go.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Today as YYYY-MM-DD, for file names. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
