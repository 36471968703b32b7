import type { Person } from '@spreekuur/protocol/identity';
import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { navigate } from '../router.ts';
import { currentClient } from '../state/session.ts';

/** Workers start a training group: a name and the residents in it (invite-only). */
export function NewGroup({ people }: { people: Person[] }) {
  const [name, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [error, setError] = useState('');
  const residents = people.filter((p) => p.role === 'resident');

  const create = async (event: Event) => {
    event.preventDefault();
    if (!name.trim()) return setError(t('errorGroupName'));
    setError('');
    try {
      const channel = await currentClient().createGroup(name.trim(), members);
      navigate(`/gesprek/${channel.id}`);
    } catch {
      setError(t('errorUnknown'));
    }
  };

  return (
    <section class="card" aria-labelledby="new-group-title">
      <h2 id="new-group-title">{t('newGroup')}</h2>
      <form onSubmit={(event) => void create(event)} noValidate>
        <label for="group-name">{t('groupName')}</label>
        <input id="group-name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <fieldset>
          <legend>{t('members')}</legend>
          {residents.map((p) => (
            <label key={p.id} class="check">
              <input
                type="checkbox"
                checked={members.includes(p.id)}
                onChange={(e) =>
                  setMembers((list) =>
                    e.currentTarget.checked ? [...list, p.id] : list.filter((id) => id !== p.id),
                  )
                }
              />{' '}
              {p.displayName}
            </label>
          ))}
        </fieldset>
        <p class="error" role="alert">
          {error}
        </p>
        <button type="submit" class="primary">
          {t('create')}
        </button>
      </form>
    </section>
  );
}
