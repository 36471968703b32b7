import { identityEndpoints, type OrganisationSettings as TrustSettings } from '@spreekuur/protocol/identity';
import { officeHoursEndpoints, type SchedulingSettings } from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { currentClient, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { BackLink } from '../back-link.tsx';

/**
 * Admins: what the API offers of the organisation's settings. The name and short name are shown
 * (the operator sets them; there is no rename endpoint); the scheduling setting and the trust
 * policy (SPEC §13.8: block or warn on a contact's changed key) can be changed.
 */
export function OrganisationSettings() {
  const organisation = useObservable(me)?.organisation;
  const [settings, setSettings] = useState<SchedulingSettings | null>(null);
  const [trust, setTrust] = useState<TrustSettings | null>(null);
  const [message, setMessage] = useState({ text: '', error: false });
  useEffect(() => {
    const client = currentClient();
    Promise.all([
      client.call(officeHoursEndpoints.settings),
      client.call(identityEndpoints.organisationSettings),
    ])
      .then(([scheduling, organisation]) => {
        setSettings(scheduling);
        setTrust(organisation);
      })
      .catch(() => setMessage({ text: t('errorUnknown'), error: true }));
  }, []);

  const save = async (event: Event) => {
    event.preventDefault();
    if (!settings || !trust) return;
    try {
      const client = currentClient();
      setSettings(await client.call(officeHoursEndpoints.changeSettings, { body: settings }));
      setTrust(await client.call(identityEndpoints.changeOrganisationSettings, { body: trust }));
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
      {settings && trust && (
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
          <fieldset aria-describedby="trust-policy-hint">
            <legend>{t('worker_trustPolicy')}</legend>
            {(['block', 'warn'] as const).map((policy) => (
              <p class="check" key={policy}>
                <input
                  id={`trust-policy-${policy}`}
                  type="radio"
                  name="trust-policy"
                  value={policy}
                  checked={trust.trustPolicy === policy}
                  onChange={() => setTrust({ trustPolicy: policy })}
                />
                <label for={`trust-policy-${policy}`}>
                  {t(policy === 'block' ? 'worker_trustBlock' : 'worker_trustWarn')}
                </label>
              </p>
            ))}
            <p class="hint" id="trust-policy-hint">
              {t('worker_trustPolicyHint')}
            </p>
          </fieldset>
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
