import { identityEndpoints, type Team } from '@spreekuur/protocol/identity';
import {
  privacyEndpoints,
  RETENTION_LIMITS,
  TEAM_RETENTION_FIELDS,
  type RetentionField,
  type RetentionSettings,
  type RetentionView,
  type TeamRetentionField,
} from '@spreekuur/protocol/privacy';
import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../i18n.ts';
import { currentClient } from '../../state/session.ts';
import { daysInWords, PrivacyPage } from './common.tsx';

const FIELDS = Object.keys(RETENTION_LIMITS) as RetentionField[];
const label = (field: RetentionField) => t(`privacy_field_${field}` as MessageKey);

/** A typed value as days, or the message that says what is wrong with it (null: left empty). */
export function parseDays(field: RetentionField, typed: string): number | null | { error: string } {
  const text = typed.trim();
  if (text === '') return null;
  const { min, max } = RETENTION_LIMITS[field];
  const days = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(days >= min && days <= max))
    return { error: t('privacy_errorRange', { field: label(field), min, max }) };
  return days;
}

type Typed = Partial<Record<RetentionField, string>>;
type Errors = Partial<Record<RetentionField, string>>;

/** Admins: how long the organisation (and a team, where it differs) keeps what. */
export default function RetentionSettingsPage() {
  const [view, setView] = useState<RetentionView | null>(null);
  const [teams, setTeams] = useState<Team[]>([]);
  const [error, setError] = useState('');
  useEffect(() => {
    const client = currentClient();
    Promise.all([client.call(privacyEndpoints.getRetention), client.call(identityEndpoints.listTeams)])
      .then(([retention, list]) => {
        setView(retention);
        setTeams(list.teams);
      })
      .catch(() => setError(t('errorUnknown')));
  }, []);
  return (
    <PrivacyPage id="retention-title" title={t('privacy_retention')} admin>
      <p>{t('privacy_retentionIntro')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {view && <OrganisationForm settings={view.organisation} onSaved={setView} />}
      {view && teams.length > 0 && (
        <section aria-labelledby="retention-teams-title">
          <h2 id="retention-teams-title">{t('privacy_retentionTeams')}</h2>
          <p>{t('privacy_retentionTeamIntro')}</p>
          {teams.map((team) => (
            <TeamForm
              key={team.id}
              team={team}
              organisation={view.organisation}
              overrides={view.teams.find((entry) => entry.teamId === team.id)?.overrides}
              onSaved={setView}
            />
          ))}
        </section>
      )}
    </PrivacyPage>
  );
}

function DaysField({
  id,
  field,
  value,
  hint,
  error,
  onInput,
}: {
  id: string;
  field: RetentionField;
  value: string;
  hint: string;
  error: string | undefined;
  onInput: (value: string) => void;
}) {
  const { min, max } = RETENTION_LIMITS[field];
  return (
    <>
      <label for={id}>{label(field)}</label>
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <input
        id={id}
        inputMode="numeric"
        min={min}
        max={max}
        value={value}
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onInput={(event) => onInput(event.currentTarget.value)}
      />
      {error && (
        <p class="error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </>
  );
}

function useSaving() {
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<string>) => {
    setBusy(true);
    setStatus(t('privacy_saving'));
    try {
      setStatus(await work());
    } catch {
      setStatus(t('errorUnknown'));
    } finally {
      setBusy(false);
    }
  };
  return { status, setStatus, busy, run };
}

function OrganisationForm({
  settings,
  onSaved,
}: {
  settings: RetentionSettings;
  onSaved: (view: RetentionView) => void;
}) {
  const [typed, setTyped] = useState<Typed>(() =>
    Object.fromEntries(FIELDS.map((field) => [field, String(settings[field])])),
  );
  const [errors, setErrors] = useState<Errors>({});
  const { status, setStatus, busy, run } = useSaving();

  const submit = (event: Event) => {
    event.preventDefault();
    const next: Errors = {};
    const changes: Partial<RetentionSettings> = {};
    for (const field of FIELDS) {
      const parsed = parseDays(field, typed[field] ?? '');
      if (parsed === null)
        next[field] = t('privacy_errorRange', { field: label(field), ...RETENTION_LIMITS[field] });
      else if (typeof parsed === 'object') next[field] = parsed.error;
      else if (parsed !== settings[field]) changes[field] = parsed;
    }
    setErrors(next);
    if (Object.keys(next).length > 0)
      return setStatus([t('privacy_errorFix'), ...Object.values(next)].join(' '));
    if (Object.keys(changes).length === 0) return setStatus(t('privacy_nothingChanged'));
    void run(async () => {
      onSaved(await currentClient().call(privacyEndpoints.updateRetention, { body: changes }));
      return t('privacy_saved');
    });
  };

  return (
    <form aria-labelledby="retention-org-title" onSubmit={submit} noValidate>
      <h2 id="retention-org-title">{t('privacy_retentionOrganisation')}</h2>
      {FIELDS.map((field) => (
        <DaysField
          key={field}
          id={`retention-${field}`}
          field={field}
          value={typed[field] ?? ''}
          hint={t('privacy_fieldHint', { ...RETENTION_LIMITS[field], words: daysInWords(settings[field]) })}
          error={errors[field]}
          onInput={(value) => setTyped((before) => ({ ...before, [field]: value }))}
        />
      ))}
      <p class="status" role="status" aria-live="polite">
        {status}
      </p>
      <button type="submit" class="primary" disabled={busy}>
        {t('privacy_save')}
      </button>
    </form>
  );
}

function TeamForm({
  team,
  organisation,
  overrides,
  onSaved,
}: {
  team: Team;
  organisation: RetentionSettings;
  overrides: Record<TeamRetentionField, number | null> | undefined;
  onSaved: (view: RetentionView) => void;
}) {
  const [typed, setTyped] = useState<Typed>(() =>
    Object.fromEntries(TEAM_RETENTION_FIELDS.map((field) => [field, String(overrides?.[field] ?? '')])),
  );
  const [errors, setErrors] = useState<Errors>({});
  const { status, setStatus, busy, run } = useSaving();
  const titleId = `retention-team-${team.id}`;

  const submit = (event: Event) => {
    event.preventDefault();
    const next: Errors = {};
    const body: Partial<Record<TeamRetentionField, number | null>> = {};
    for (const field of TEAM_RETENTION_FIELDS) {
      const parsed = parseDays(field, typed[field] ?? '');
      if (parsed !== null && typeof parsed === 'object') next[field] = parsed.error;
      else if (parsed !== (overrides?.[field] ?? null)) body[field] = parsed;
    }
    setErrors(next);
    if (Object.keys(next).length > 0)
      return setStatus([t('privacy_errorFix'), ...Object.values(next)].join(' '));
    if (Object.keys(body).length === 0) return setStatus(t('privacy_nothingChanged'));
    void run(async () => {
      onSaved(
        await currentClient().call(privacyEndpoints.updateTeamRetention, { params: { id: team.id }, body }),
      );
      return t('privacy_saved');
    });
  };

  return (
    <form class="card" aria-labelledby={titleId} onSubmit={submit} noValidate>
      <h3 id={titleId}>{team.name}</h3>
      {TEAM_RETENTION_FIELDS.map((field) => (
        <DaysField
          key={field}
          id={`${titleId}-${field}`}
          field={field}
          value={typed[field] ?? ''}
          hint={t('privacy_fieldHintTeam', {
            ...RETENTION_LIMITS[field],
            words: daysInWords(organisation[field]),
          })}
          error={errors[field]}
          onInput={(value) => setTyped((before) => ({ ...before, [field]: value }))}
        />
      ))}
      <p class="status" role="status" aria-live="polite">
        {status}
      </p>
      <button type="submit" class="primary" disabled={busy}>
        {t('privacy_saveTeam', { team: team.name })}
      </button>
    </form>
  );
}
