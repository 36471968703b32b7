import { identityEndpoints, type CreatedInvite } from '@spreekuur/protocol/identity';
import { useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { currentClient } from '../state/session.ts';
import { navigate } from '../router.ts';
import { QrCode } from './qr-code.tsx';
import { lastInvite, printHref } from './worker/print-invite.tsx';

const VALID_DAYS = 7;

/** Makes an invite for a resident (workers) or a worker (admins): its code, link and QR code. */
export function InvitePanel({
  role,
  teams,
}: {
  role: 'resident' | 'worker';
  teams: Array<{ id: string; name: string }>;
}) {
  const [invite, setInvite] = useState<CreatedInvite | null>(null);
  const [error, setError] = useState('');
  const [teamId, setTeamId] = useState(teams[0]?.id ?? '');
  const label = role === 'resident' ? t('inviteResident') : t('inviteWorker');
  const headingId = `invite-${role}`;

  const create = async () => {
    setError('');
    try {
      const made = await currentClient().call(identityEndpoints.createInvite, {
        body: { role, teamId, expiresInDays: VALID_DAYS },
      });
      setInvite(made);
      if (role === 'resident') lastInvite.set(made);
    } catch {
      setError(t('errorUnknown'));
    }
  };

  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{label}</h2>
      {teams.length > 1 && (
        <>
          <label for={`${headingId}-team`}>{t('team')}</label>
          <select id={`${headingId}-team`} value={teamId} onChange={(e) => setTeamId(e.currentTarget.value)}>
            {teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </>
      )}
      <button type="button" class="primary" disabled={!teamId} onClick={() => void create()}>
        {label}
      </button>
      <p class="error" role="alert">
        {error}
      </p>
      {invite && (
        <div role="status">
          <p>{t('inviteCreated', { days: VALID_DAYS })}</p>
          <p class="code" data-testid={`invite-code-${role}`}>
            {invite.code}
          </p>
          <p>
            {t('inviteLink')}: <a href={invite.joinUrl}>{invite.joinUrl}</a>
          </p>
          <QrCode text={invite.joinUrl} label={t('inviteQr', { code: invite.code })} />
          {role === 'resident' && (
            <p>
              <a
                href={printHref(invite)}
                onClick={(event) => {
                  event.preventDefault();
                  navigate(printHref(invite));
                }}
              >
                {t('worker_printLink')}
              </a>
            </p>
          )}
        </div>
      )}
    </section>
  );
}
