import { officeHoursEndpoints, type SchedulingSettings } from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { currentClient, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { BackLink } from './back-link.tsx';

/**
 * Admins: what the API offers of the organisation's settings. The name and short name are shown
 * (the operator sets them; there is no rename endpoint); the scheduling setting can be changed.
 */
export function OrganisationSettings() {
  const organisation = useObservable(me)?.organisation;
  const [settings, setSettings] = useState<SchedulingSettings | null>(null);
  const [message, setMessage] = useState({ text: '', error: false });
  useEffect(() => {
    currentClient()
      .call(officeHoursEndpoints.settings)
      .then(setSettings)
      .catch(() => setMessage({ text: t('errorUnknown'), error: true }));
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!settings) return;
    try {
      setSettings(await currentClient().call(officeHoursEndpoints.changeSettings, { body: settings }));
      setMessage({ text: t('worker_saved'), error: false });
    } catch {
      setMessage({ text: t('worker_errorSave'), error: true });
    }
  };

  return (
    <>
      <BackLink />
      <h1>{t('worker_orgTitle')}</h1>
      {organisation && (
        <dl class="card facts">
          <dt>{t('worker_orgName')}</dt>
          <dd>{organisation.name}</dd>
          <dt>{t('worker_orgSlug')}</dt>
          <dd>{organisation.slug}</dd>
          <dd class="hint">{t('worker_orgNameFixed')}</dd>
        </dl>
      )}
      {settings && (
        <form class="card" onSubmit={(event) => void save(event)}>
          <p class="check">
            <input
              id="calendar-names"
              type="checkbox"
              checked={settings.calendarResidentNames}
              aria-describedby="calendar-names-hint"
              onChange={(event) =>
                setSettings({ ...settings, calendarResidentNames: event.currentTarget.checked })
              }
            />
            <label for="calendar-names">{t('worker_calendarNames')}</label>
          </p>
          <p class="hint" id="calendar-names-hint">
            {t('worker_calendarNamesHint')}
          </p>
          <button type="submit" class="primary">
            {t('worker_save')}
          </button>
        </form>
      )}
      <p class={message.error ? 'error' : ''} role={message.error ? 'alert' : 'status'}>
        {message.text}
      </p>
    </>
  );
}
