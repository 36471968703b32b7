import { identityEndpoints, type Team } from '@spreekuur/protocol/identity';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { currentClient } from '../state/session.ts';
import { InvitePanel } from './invite.tsx';
import { PeopleAdmin } from './people-admin.tsx';

/** Admins: the organisation's teams, a new team, and invites for workers. */
export function AdminPanel() {
  const [teams, setTeams] = useState<Team[]>([]);
  const [name, setName] = useState('');
  const [error, setError] = useState('');

  const load = () =>
    currentClient()
      .call(identityEndpoints.listTeams)
      .then((result) => setTeams(result.teams))
      .catch(() => setError(t('errorUnknown')));
  useEffect(() => void load(), []);

  const create = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return;
    try {
      await currentClient().call(identityEndpoints.createTeam, { body: { name: name.trim() } });
      setName('');
      await load();
    } catch {
      setError(t('errorUnknown'));
    }
  };

  return (
    <>
      <section class="card" aria-labelledby="teams-title">
        <h2 id="teams-title">{t('teams')}</h2>
        <ul>
          {teams.map((team) => (
            <li key={team.id}>{team.name}</li>
          ))}
        </ul>
        <form onSubmit={(event) => void create(event)}>
          <label for="team-name">{t('teamName')}</label>
          <input id="team-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <button type="submit">{t('create')}</button>
        </form>
        <p class="error" role="alert">
          {error}
        </p>
      </section>
      {teams.length > 0 && (
        <InvitePanel key={teams.map((team) => team.id).join()} role="worker" teams={teams} />
      )}
      <PeopleAdmin />
    </>
  );
}
