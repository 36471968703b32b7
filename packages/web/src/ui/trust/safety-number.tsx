import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { tp } from './words.ts';
import { navigate } from '../../router.ts';
import { channels, currentClient } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { QrCode } from '../qr-code.tsx';
import { acceptChanges, markVerified, useTrust } from './trust-state.ts';

/** The QR holds the SDK's payload bytes as base64url text. */
function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

type Numbers = Awaited<ReturnType<ReturnType<typeof currentClient>['safetyNumbers']>>;

/**
 * The safety number with one contact (SPEC §8): the digits in groups of five and a QR code,
 * one per device of theirs, computed by the SDK from the keys this device pinned. Both people
 * see the same digits; when they match, "Gelijk: markeer als gecontroleerd" marks the person
 * verified (`trust.verify`) until a key or device of theirs changes.
 */
export function SafetyNumberPage({ channelId, personId }: { channelId: string; personId: string }) {
  const channel = useObservable(channels).find((c) => c.id === channelId);
  const name = channel?.members.find((m) => m.personId === personId)?.displayName ?? '';
  const trust = useTrust([personId])[personId];
  const [numbers, setNumbers] = useState<Numbers | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);

  const load = () =>
    currentClient()
      .safetyNumbers(channelId, personId)
      .then(setNumbers)
      .catch(() => setError(t('trust_errorTryAgain')));
  useEffect(() => {
    heading.current?.focus();
    void load();
  }, [channelId, personId]);

  const verified = trust?.summary.verified ?? false;
  const changed = numbers?.some((n) => n.state === 'changed') ?? false;
  const act = (work: () => Promise<void>) => {
    setBusy(true);
    setError('');
    work()
      .then(load)
      .catch(() => setError(t('trust_errorTryAgain')))
      .finally(() => setBusy(false));
  };

  return (
    <section aria-labelledby="safety-title">
      <p>
        <a
          href={`/gesprek/${channelId}`}
          onClick={(event) => {
            event.preventDefault();
            navigate(`/gesprek/${channelId}`);
          }}
        >
          ← {t('back')}
        </a>
      </p>
      <h1 id="safety-title" class="trust-title" tabIndex={-1} ref={heading}>
        {tp('trust_safetyTitle', { name })}
      </h1>
      <p>{tp('trust_safetyIntro', { name })}</p>
      {numbers === null && !error && <p role="status">{t('loading')}</p>}
      {numbers?.length === 0 && <p>{tp('trust_noSafetyNumber', { name })}</p>}
      {numbers?.map((number, index) => (
        <figure class="card safety" key={number.deviceId} data-testid="safety-number">
          <figcaption>
            {numbers.length > 1 ? tp('trust_safetyDevice', { n: index + 1, name }) : tp('trust_safetyDigits')}
          </figcaption>
          <p class="digits">
            {number.blocks.map((block, i) => (
              <span key={i}>{block} </span>
            ))}
          </p>
          <QrCode text={base64Url(number.qrPayload)} label={tp('trust_safetyQr', { name })} size={160} />
        </figure>
      ))}
      <div role="status" class="verified-state">
        {verified ? (
          <p class="verified">
            <span aria-hidden="true">✓ </span>
            <strong>{tp('trust_verified')}</strong>. {tp('trust_verifiedExplain', { name })}
          </p>
        ) : (
          numbers && numbers.length > 0 && <p>{tp('trust_notVerified')}</p>
        )}
      </div>
      {changed && (
        <div class="trust-notice changed">
          <p>{tp('trust_safetyChanged', { name })}</p>
          <button type="button" disabled={busy} onClick={() => act(() => acceptChanges(personId, channelId))}>
            {tp('trust_accept')}
          </button>
        </div>
      )}
      {!verified && !changed && numbers && numbers.length > 0 && (
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() => act(() => markVerified(personId))}
        >
          {tp('trust_markVerified')}
        </button>
      )}
      <p class="hint">{tp('trust_notEqual')}</p>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
