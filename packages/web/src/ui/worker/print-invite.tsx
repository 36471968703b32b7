import type { CreatedInvite } from '@spreekuur/protocol/identity';
import { locale, t } from '../../i18n.ts';
import { Observable, useObservable } from '../../state/store.ts';
import { QrCode } from '../qr-code.tsx';
import { BackLink } from '../back-link.tsx';

const PRINT_PATH = '/werkplek/uitnodiging-afdrukken';

/** The resident invite made last in this tab (the print page shows it; never stored). */
export const lastInvite = new Observable<CreatedInvite | null>(null);

/**
 * The link to the print page. The code travels in the #fragment (as in invite links), so it never
 * reaches the server in a request, and a reload of the print page still has it.
 */
export function printHref(invite: CreatedInvite): string {
  return `${PRINT_PATH}#${encodeURIComponent(invite.code)}`;
}

/**
 * A printable A4 for a resident: the QR code, the code, and five short steps in plain Dutch (or
 * English when the worker switched). `@media print` in styles.css leaves out the app around it.
 */
export function PrintInvite() {
  const made = useObservable(lastInvite);
  const code = decodeURIComponent(location.hash.slice(1)).trim() || made?.code || '';
  const invite = made && made.code === code ? made : null;
  const joinUrl = invite?.joinUrl ?? `${location.origin}/join#${code}`;
  const site = new URL(joinUrl).host + '/join';
  if (!code) {
    return (
      <>
        <BackLink />
        <p class="card">{t('worker_printMissing')}</p>
      </>
    );
  }
  const until = invite
    ? new Intl.DateTimeFormat(locale() === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'long' }).format(
        new Date(invite.expiresAt),
      )
    : null;
  return (
    <>
      <BackLink />
      <p class="no-print">
        <button type="button" class="primary" onClick={() => window.print()}>
          {t('worker_print')}
        </button>
      </p>
      <article class="sheet" aria-labelledby="print-title">
        <h1 id="print-title">{t('worker_printTitle')}</h1>
        <p>{t('worker_printIntro')}</p>
        <ol class="steps">
          <li>{t('worker_printStep1')}</li>
          <li>{t('worker_printStep2')}</li>
          <li>{t('worker_printStep3', { site })}</li>
          <li>{t('worker_printStep4')}</li>
          <li>{t('worker_printStep5')}</li>
        </ol>
        <div class="sheet-qr">
          <QrCode text={joinUrl} label={t('inviteQr', { code })} size={240} />
        </div>
        <p>
          {t('worker_printCode')}: <strong class="code">{code}</strong>
        </p>
        {until && <p>{t('worker_printValid', { date: until })}</p>}
      </article>
    </>
  );
}
