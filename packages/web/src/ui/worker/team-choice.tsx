import { identityEndpoints } from '@spreekuur/protocol/identity';
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../i18n.ts';
import { currentClient, me } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';

interface TeamOption {
  id: string;
  name: string;
}

/** The teams this person works for (workers: their own; admins: every team), with names when the server gives them. */
export function useTeams(): TeamOption[] {
  const person = useObservable(me)?.person;
  const [teams, setTeams] = useState<TeamOption[]>([]);
  const own = person?.teamIds.join() ?? '';
  useEffect(() => {
    if (!person) return;
    const fallback = person.teamIds.map((id, index) => ({ id, name: `${t('team')} ${index + 1}` }));
    setTeams(fallback);
    currentClient()
      .call(identityEndpoints.listTeams)
      .then(({ teams: all }) => {
        const mine = person.role === 'admin' ? all : all.filter((team) => person.teamIds.includes(team.id));
        setTeams(mine.length > 0 ? mine.map(({ id, name }) => ({ id, name })) : fallback);
      })
      .catch(() => undefined);
  }, [person?.role, own]);
  return teams;
}

/** A team picker, shown only when there is a choice. */
export function TeamChoice({
  teams,
  value,
  onChange,
  id,
}: {
  teams: TeamOption[];
  value: string;
  onChange: (teamId: string) => void;
  id: string;
}) {
  if (teams.length < 2) return null;
  return (
    <>
      <label for={id}>{t('worker_chooseTeam')}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {teams.map((team) => (
          <option key={team.id} value={team.id}>
            {team.name}
          </option>
        ))}
      </select>
    </>
  );
}
