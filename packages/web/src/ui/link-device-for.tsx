import { identityEndpoints, type CreatedInvite, type Person } from '@spreekuur/protocol/identity';
import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { currentClient } from '../state/session.ts';
import { QrCode } from './qr-code.tsx';

/**
 * For staff: a device-link code for someone who lost their only phone and so cannot make one
 * (admins: anyone; workers: their residents). The new phone is theirs but approved by none of
 * their devices, so their contacts see it as a new device (docs/privacy.md).
 */
export function LinkDeviceFor({ person }: { person: Pick<Person, 'id' | 'displayName'> }) {
  const [link, setLink] = useState<CreatedInvite | null>(null);
  const [error, setError] = useState('');
  const create = async () => {
    setError('');
    try {
      setLink(
        await currentClient().call(identityEndpoints.createPersonDeviceInvite, {
          params: { id: person.id },
          body: {},
        }),
      );
    } catch {
      setError(t('errorUnknown'));
    }
  };
  const name = person.displayName;
  return (
    <div class="link-for">
      <button type="button" onClick={() => void create()}>
        {t('privacy_linkFor')}
      </button>
      <p class="error" role="alert">
        {error}
      </p>
      {link && (
        <div role="status">
          <p>{t('privacy_linkForHint', { name })}</p>
          <p class="code" data-testid="link-for-code">
            {link.code}
          </p>
          <p>
            {t('inviteLink')}: <a href={link.joinUrl}>{link.joinUrl}</a>
          </p>
          <QrCode text={link.joinUrl} label={t('privacy_linkForQr', { name, code: link.code })} />
        </div>
      )}
    </div>
  );
}

/** Workers: their residents, each with a link code for a new phone (folded away: seldom needed). */
export function ResidentsNewDevice({ people }: { people: Person[] }) {
  const residents = people.filter((p) => p.role === 'resident');
  if (residents.length === 0) return null;
  return (
    <details class="card">
      <summary>{t('worker_newDeviceTitle')}</summary>
      <ul class="list">
        {residents.map((p) => (
          <li key={p.id}>
            <span>{p.displayName}</span> <LinkDeviceFor person={p} />
          </li>
        ))}
      </ul>
    </details>
  );
}
