import { isSpreekuurError } from '@spreekuur/client';
import { identityEndpoints, type Person } from '@spreekuur/protocol/identity';
import { privacyEndpoints, type ErasureResult } from '@spreekuur/protocol/privacy';
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n.ts';
import { route } from '../../router.ts';
import { currentClient } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { PrivacyPage } from './common.tsx';

function explain(error: unknown): MessageKey {
  if (!isSpreekuurError(error)) return 'errorUnknown';
  switch (error.code) {
    case 'ERR_PRIVACY_LAST_ADMIN':
      return 'privacy_errorLastAdmin';
    case 'ERR_NOT_FOUND':
      return 'privacy_errorNotFound';
    case 'ERR_CLIENT_NETWORK':
    case 'ERR_CLIENT_TIMEOUT':
      return 'errorNetwork';
    default:
      return 'errorUnknown';
  }
}

/** Admins: erase a person (AVG art. 17), confirmed by typing their name. */
export default function ErasePersonPage() {
  // The person's id is the last part of the path (index.ts matched it).
  const personId = /([0-9a-f-]{36})$/.exec(useObservable(route))?.[1] ?? '';
  const [person, setPerson] = useState<Person | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>('');
  const [done, setDone] = useState<{ name: string; result: ErasureResult } | null>(null);

  useEffect(() => {
    currentClient()
      .call(identityEndpoints.getPerson, { params: { id: personId } })
      .then(setPerson)
      .catch((caught: unknown) => setError(t(explain(caught))));
  }, [personId]);

  const erase = async (event: Event) => {
    event.preventDefault();
    if (!person) return;
    if (typed.trim() !== person.displayName) {
      return setError(t('privacy_errorNameDiffers', { name: person.displayName }));
    }
    setError('');
    setBusy(true);
    try {
      const result = await currentClient().call(privacyEndpoints.erasePerson, {
        params: { id: personId },
        body: { confirm: true },
      });
      setDone({ name: person.displayName, result });
    } catch (caught) {
      setError(t(explain(caught)));
    } finally {
      setBusy(false);
    }
  };

  const title = person ? t('privacy_eraseTitle', { name: person.displayName }) : t('privacy_erase');
  return (
    <PrivacyPage id="erase-title" title={done ? t('privacy_erase') : title} admin>
      {done ? (
        <p role="status">
          {t('privacy_erased', {
            name: done.name,
            devices: done.result.devicesRemoved,
            messages: done.result.messagesErased,
            files: done.result.filesDeleted,
            appointments: done.result.appointmentsDeleted,
          })}
        </p>
      ) : (
        <>
          <p>{t('privacy_eraseIntro')}</p>
          {person && (
            <form onSubmit={(event) => void erase(event)} noValidate>
              <label for="erase-name">{t('privacy_eraseConfirm', { name: person.displayName })}</label>
              <input
                id="erase-name"
                autocomplete="off"
                value={typed}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? 'erase-error' : undefined}
                onInput={(event) => setTyped(event.currentTarget.value)}
              />
              <button type="submit" class="primary" disabled={busy}>
                {busy ? t('privacy_erasing') : t('privacy_eraseButton')}
              </button>
            </form>
          )}
        </>
      )}
      <p id="erase-error" class="error" role="alert" aria-live="assertive">
        {error}
      </p>
    </PrivacyPage>
  );
}
