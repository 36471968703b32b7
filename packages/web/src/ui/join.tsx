import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../i18n.ts';
import { navigate } from '../router.ts';
import { isSpreekuurError, loadSdk } from '../state/sdk.ts';
import { join } from '../state/session.ts';
import { LinkDeviceEntry } from './trust/link-entry.tsx';

/** The code from an invite link: `/join#CODE` (never sent to the server) or `/join?code=CODE`. */
function codeFromLink(): string {
  const hash = decodeURIComponent(location.hash.slice(1));
  const query = new URLSearchParams(location.search).get('code');
  return (hash || query || '').trim();
}

function explain(error: unknown): MessageKey {
  if (!isSpreekuurError(error)) return 'errorUnknown';
  switch (error.code) {
    case 'ERR_INVITE_NOT_FOUND':
    case 'ERR_INVITE_EXPIRED':
    case 'ERR_INVITE_USED':
      return 'errorCodeUsed';
    case 'ERR_CLIENT_NETWORK':
    case 'ERR_CLIENT_TIMEOUT':
      return 'errorNetwork';
    case 'ERR_BAD_REQUEST':
      return 'errorCodeFormat';
    default:
      return 'errorUnknown';
  }
}

export function Join() {
  const [code, setCode] = useState(codeFromLink);
  const [name, setName] = useState('');
  const [error, setError] = useState<{ field: 'code' | 'name' | 'form'; key: MessageKey } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    // Another invite link opened in this tab: take its code.
    const follow = () => setCode(codeFromLink());
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);

  const submit = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      // The code's rule lives in the protocol, which comes with the SDK (loading since the form showed).
      const sdk = await loadSdk().catch(() => null);
      if (!sdk) return setError({ field: 'form', key: 'errorNetwork' });
      const { inviteCode } = sdk;
      if (!inviteCode.safeParse(code).success) return setError({ field: 'code', key: 'errorCodeFormat' });
      if (!name.trim()) return setError({ field: 'name', key: 'errorNameMissing' });
      await join(code, name.trim());
      navigate('/');
    } catch (caught) {
      const key = explain(caught);
      setError({ field: key === 'errorCodeUsed' || key === 'errorCodeFormat' ? 'code' : 'form', key });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card">
      <h1>{t('joinTitle')}</h1>
      <p>{t('joinIntro')}</p>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label for="invite-code">{t('inviteCode')}</label>
        <p class="hint" id="invite-code-hint">
          {t('inviteCodeHint')}
        </p>
        <input
          id="invite-code"
          name="code"
          autocomplete="one-time-code"
          autocapitalize="characters"
          spellcheck={false}
          value={code}
          aria-describedby={`invite-code-hint${error?.field === 'code' ? ' form-error' : ''}`}
          aria-invalid={error?.field === 'code'}
          onInput={(event) => setCode(event.currentTarget.value)}
        />
        <label for="display-name">{t('displayName')}</label>
        <p class="hint" id="display-name-hint">
          {t('displayNameHint')}
        </p>
        <input
          id="display-name"
          name="name"
          autocomplete="given-name"
          value={name}
          aria-describedby={`display-name-hint${error?.field === 'name' ? ' form-error' : ''}`}
          aria-invalid={error?.field === 'name'}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <p id="form-error" class="error" role="alert" aria-live="assertive">
          {error ? t(error.key) : ''}
        </p>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? t('joining') : t('joinButton')}
        </button>
      </form>
      <LinkDeviceEntry />
    </section>
  );
}
