import { useEffect, useState } from 'preact/hooks';
import { tm } from '../../i18n/moderation-screens.ts';
import { t } from '../../i18n.ts';
import { navigate } from '../../router.ts';
import { currentClient } from '../../state/session.ts';
import { explain } from './explain.ts';

type Preview = Awaited<ReturnType<ReturnType<typeof currentClient>['moderation']['previewLink']>>;

/** Opening a group link (`/groepslink#<token>`): what the group is, then join or ask to. */
export function JoinGroupPage() {
  // The token sits after `#`, so it never reaches a server log.
  const token = location.hash.slice(1);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [status, setStatus] = useState<'none' | 'pending' | 'member'>('none');
  const [error, setError] = useState('');

  useEffect(() => {
    const client = currentClient();
    const load = () =>
      client.moderation.previewLink(token).then(
        (found) => {
          setError('');
          setPreview(found);
          setStatus(found.status);
        },
        (caught: unknown) => setError(explain(caught)),
      );
    void load();
    // Opened by a reload, the app shows pages before it has signed in again: ask once more then.
    return client.on('connection', ({ state }) => {
      if (state === 'online') void load();
    });
  }, [token]);

  const join = async () => {
    setError('');
    try {
      const outcome = await currentClient().moderation.joinByLink(token);
      setStatus(outcome.status === 'joined' ? 'member' : 'pending');
    } catch (caught) {
      setError(explain(caught));
    }
  };

  return (
    <section class="card" aria-labelledby="join-group-title">
      <h1 id="join-group-title">{tm('moderation_joinTitle')}</h1>
      <p class="error" role="alert">
        {error}
      </p>
      {preview && status === 'none' && (
        <>
          <p>{tm('moderation_joinGroup', { name: preview.name ?? t('group') })}</p>
          {preview.approvalRequired && <p class="hint">{tm('moderation_joinNeedsApproval')}</p>}
          <button type="button" class="primary" onClick={() => void join()}>
            {tm('moderation_join')}
          </button>
        </>
      )}
      <p role="status">
        {status === 'pending'
          ? tm('moderation_joinPending')
          : status === 'member'
            ? tm('moderation_joined')
            : ''}
      </p>
      {preview && status === 'member' && (
        <button type="button" class="primary" onClick={() => navigate(`/gesprek/${preview.channelId}`)}>
          {tm('moderation_toGroup')}
        </button>
      )}
    </section>
  );
}
