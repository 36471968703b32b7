import { identityEndpoints, type Person } from '@spreekuur/protocol/identity';
import { useEffect, useState } from 'preact/hooks';
import type { z } from 'zod';
import type { device } from '@spreekuur/protocol/identity';
import { locale, t } from '../i18n.ts';
import { navigate } from '../router.ts';
import { currentClient, me } from '../state/session.ts';
import { useObservable } from '../state/store.ts';
import { LinkDeviceFor } from './link-device-for.tsx';
import { PRIVACY_PATHS } from './privacy/paths.ts';

type Device = z.infer<typeof device>;

/** Admins: the organisation's people, and signing out a device someone lost. */
export function PeopleAdmin() {
  const [people, setPeople] = useState<Person[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const [devices, setDevices] = useState<Device[]>([]);
  const [error, setError] = useState('');
  const self = useObservable(me)?.person.id;

  useEffect(() => {
    currentClient()
      .people()
      .then(setPeople)
      .catch(() => setError(t('errorUnknown')));
  }, []);

  const show = async (personId: string) => {
    setOpen(personId);
    setError('');
    try {
      setDevices(
        (await currentClient().call(identityEndpoints.listPersonDevices, { params: { id: personId } }))
          .devices,
      );
    } catch {
      setError(t('errorUnknown'));
    }
  };
  const revoke = async (personId: string, deviceId: string) => {
    try {
      await currentClient().call(identityEndpoints.revokePersonDevice, {
        params: { id: personId, deviceId },
      });
      await show(personId);
    } catch {
      setError(t('errorUnknown'));
    }
  };
  const date = new Intl.DateTimeFormat(locale() === 'nl' ? 'nl-NL' : 'en-GB', { dateStyle: 'medium' });

  return (
    <section class="card" aria-labelledby="people-admin-title">
      <h2 id="people-admin-title">{t('people')}</h2>
      <ul class="list">
        {people
          .filter((p) => p.id !== self)
          .map((p) => (
            <li key={p.id}>
              <button type="button" class="row" aria-expanded={open === p.id} onClick={() => void show(p.id)}>
                <span>{p.displayName}</span>
                <span class="hint">{t(`role_${p.role}`)}</span>
              </button>
              {open === p.id && (
                <div class="devices">
                  <h3>{t('devices')}</h3>
                  <ul>
                    {devices.map((d) => (
                      <li key={d.id}>
                        {d.name} ({date.format(new Date(d.createdAt))}){' '}
                        <button
                          type="button"
                          aria-label={`${t('revoke')}: ${d.name}`}
                          onClick={() => void revoke(p.id, d.id)}
                        >
                          {t('revoke')}
                        </button>
                      </li>
                    ))}
                  </ul>
                  {devices.length === 0 && <p>{t('noDevices')}</p>}
                  <LinkDeviceFor key={p.id} person={p} />
                  <p>
                    <a
                      href={PRIVACY_PATHS.erase(p.id)}
                      onClick={(event) => {
                        event.preventDefault();
                        navigate(PRIVACY_PATHS.erase(p.id));
                      }}
                    >
                      {t('privacy_erase')}: {p.displayName}
                    </a>
                  </p>
                </div>
              )}
            </li>
          ))}
      </ul>
      <p class="error" role="alert">
        {error}
      </p>
    </section>
  );
}
