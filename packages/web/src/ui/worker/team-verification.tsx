import type { SensitiveTeam } from '@spreekuur/client';
import type { Team } from '@spreekuur/protocol/identity';
import { identityEndpoints } from '@spreekuur/protocol/identity';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { currentClient, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { BackLink } from '../back-link.tsx';

/**
 * Sensitive team (crypto SPEC §13.7): the team's workers and admins require that a worker
 * compares the safety number with each resident before writing to them. This device enforces
 * it and keeps it on even when the server says off; the worker can then switch it off here too.
 */
export function TeamVerification() {
  const person = useObservable(me)?.person;
  const [teams, setTeams] = useState<Team[] | null>(null);
  const [held, setHeld] = useState<SensitiveTeam[]>([]);
  const [busy, setBusy] = useState(false);
  /** What the person just chose, shown while it is saved. */
  const [chosen, setChosen] = useState<Record<string, boolean>>({});
  const [message, setMessage] = useState({ text: '', error: false });

  const load = async () => {
    const client = currentClient();
    const [{ teams: all }, local] = await Promise.all([
      client.call(identityEndpoints.listTeams),
      client.verification.teams(),
    ]);
    setTeams(person?.role === 'admin' ? all : all.filter((team) => person?.teamIds.includes(team.id)));
    setHeld(local);
  };
  useEffect(() => {
    load().catch(() => setMessage({ text: t('errorUnknown'), error: true }));
  }, [person?.id]);

  const act = (work: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setMessage({ text: '', error: false });
    work()
      .then(load)
      .then(() => setMessage({ text: done, error: false }))
      .catch(() => setMessage({ text: t('worker_verifyError'), error: true }))
      .finally(() => {
        setChosen({});
        setBusy(false);
      });
  };

  return (
    <>
      <BackLink />
      <h1>{t('worker_verifyTitle')}</h1>
      <p>{t('worker_verifyIntro')}</p>
      {teams?.length === 0 && <p>{t('worker_verifyNoTeams')}</p>}
      {teams?.map((team) => {
        const local = held.find((entry) => entry.teamId === team.id);
        const on = chosen[team.id] ?? (team.verifiedDevicesRequired || Boolean(local));
        const id = `verify-${team.id}`;
        return (
          <section class="card" key={team.id} aria-labelledby={`${id}-name`}>
            <h2 id={`${id}-name`}>{team.name}</h2>
            <p class="check">
              <input
                id={id}
                type="checkbox"
                checked={on}
                disabled={busy}
                aria-describedby={local && !team.verifiedDevicesRequired ? `${id}-kept` : undefined}
                onChange={(event) => {
                  const required = event.currentTarget.checked;
                  setChosen({ [team.id]: required });
                  act(() => currentClient().verification.set(team.id, required), t('worker_verifySaved'));
                }}
              />
              <label for={id}>{t('worker_verifyRequired')}</label>
            </p>
            {local && !team.verifiedDevicesRequired && (
              <>
                <p class="hint" id={`${id}-kept`}>
                  {t('worker_verifyKeptOn')}
                </p>
                <button
                  type="button"
                  disabled={busy}
                  onClick={() =>
                    act(() => currentClient().verification.forget(team.id), t('worker_verifySaved'))
                  }
                >
                  {t('worker_verifyForget')}
                </button>
              </>
            )}
          </section>
        );
      })}
      {teams &&
        held
          .filter((local) => !teams.some((team) => team.id === local.teamId))
          .map((local) => (
            <section class="card" key={local.teamId} aria-labelledby={`verify-${local.teamId}-name`}>
              <h2 id={`verify-${local.teamId}-name`}>{local.name}</h2>
              <p class="hint">{t('worker_verifyKeptOn')}</p>
              <button
                type="button"
                disabled={busy}
                onClick={() =>
                  act(() => currentClient().verification.forget(local.teamId), t('worker_verifySaved'))
                }
              >
                {t('worker_verifyForget')}
              </button>
            </section>
          ))}
      <p class={message.error ? 'error' : ''} role={message.error ? 'alert' : 'status'}>
        {message.text}
      </p>
    </>
  );
}
