import { isSpreekuurError } from '@spreekuur/client';
import { inviteCode as inviteCodeSchema } from '@spreekuur/protocol/identity';
import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n.ts';
import { tp, type PageKey } from './words.ts';
import { navigate } from '../../router.ts';
import { join } from '../../state/session.ts';
import { DEVICES_PATH } from './paths.ts';

function explain(error: unknown): MessageKey | PageKey {
  if (!isSpreekuurError(error)) return 'errorUnknown';
  switch (error.code) {
    case 'ERR_INVITE_NOT_FOUND':
    case 'ERR_INVITE_EXPIRED':
    case 'ERR_INVITE_USED':
      return 'trust_errorLinkCode';
    // Without a name the server refuses a person's invite code: it is not a link code.
    case 'ERR_BAD_REQUEST':
      return 'trust_errorIsInvite';
    case 'ERR_CLIENT_NETWORK':
    case 'ERR_CLIENT_TIMEOUT':
      return 'errorNetwork';
    default:
      return 'errorUnknown';
  }
}

/**
 * The new device's side of linking: the code from the other device (typed, or filled in from
 * the QR code's link `/koppelen#CODE`). The device registers under the same person; its
 * messages become readable once the other device approved it (see devices.tsx).
 */
export function LinkThisDevice() {
  const [code, setCode] = useState(() => decodeURIComponent(location.hash.slice(1)).trim());
  const [error, setError] = useState<MessageKey | PageKey | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    if (!inviteCodeSchema.safeParse(code).success) return setError('errorCodeFormat');
    setError(null);
    setBusy(true);
    try {
      await join(code);
      navigate(DEVICES_PATH);
    } catch (caught) {
      setError(explain(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card">
      <h1 class="trust-title">{tp('trust_linkThisTitle')}</h1>
      <p>{tp('trust_linkThisIntro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label for="link-code">{tp('trust_linkCode')}</label>
        <p class="hint" id="link-code-hint">
          {t('inviteCodeHint')}
        </p>
        <input
          id="link-code"
          name="code"
          autocomplete="one-time-code"
          autocapitalize="characters"
          spellcheck={false}
          value={code}
          aria-describedby={`link-code-hint${error ? ' link-error' : ''}`}
          aria-invalid={error !== null}
          onInput={(event) => setCode(event.currentTarget.value)}
        />
        <p id="link-error" class="error" role="alert" aria-live="assertive">
          {error ? (error.startsWith('trust_') ? tp(error as PageKey) : t(error as MessageKey)) : ''}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? tp('trust_linking') : tp('trust_linkThisSubmit')}
        </button>
      </form>
      <p>
        <a
          href="/join"
          onClick={(event) => {
            event.preventDefault();
            navigate('/join');
          }}
        >
          {tp('trust_backToJoin')}
        </a>
      </p>
    </section>
  );
}
