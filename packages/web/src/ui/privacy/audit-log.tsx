import type { Person } from '@spreekuur/protocol/identity';
import { privacyEndpoints, type AuditEntryView } from '@spreekuur/protocol/privacy';
import { useEffect, useState } from 'preact/hooks';
import { pt, type WordKey } from './words.ts';
import { currentClient } from '../../state/session.ts';
import { formatDateTime, PrivacyPage, saveFile, today } from './common.tsx';

/** The action prefixes an admin can filter on (`invite.` finds every invite action). */
const KINDS = [
  'invite',
  'person',
  'device',
  'team',
  'channel',
  'moderation',
  'appointment',
  'office_hour',
  'retention',
  'privacy',
  'key_backup',
] as const;

interface AuditFilter {
  kind: string;
  personId: string;
  since: string;
  until: string;
}

/** The filter as the endpoint's query; dates are whole local days. Null when the dates are the wrong way round. */
function auditQuery(filter: AuditFilter): Record<string, string> | null {
  const query: Record<string, string> = {};
  if (filter.kind) query.action = `${filter.kind}.`;
  if (filter.personId) query.personId = filter.personId;
  const day = (value: string, end: boolean) => {
    const [y, m, d] = value.split('-').map(Number);
    return new Date(y!, m! - 1, d! + (end ? 1 : 0)).toISOString();
  };
  if (filter.since) query.since = day(filter.since, false);
  if (filter.until) query.until = day(filter.until, true);
  if (query.since && query.until && query.since >= query.until) return null;
  return query;
}

/** The CSV comes from the server (same filters, at most 10 000 rows), through the SDK. */
async function downloadCsv(query: Record<string, string>): Promise<void> {
  const csv = await currentClient().callText(privacyEndpoints.exportAuditCsv, { query });
  saveFile(`spreekuur-logboek-${today()}.csv`, 'text/csv', csv);
}

/** Admins: who did what and when, filtered by kind, person and date, newest first, never content. */
export default function AuditLogPage() {
  const [people, setPeople] = useState<Person[]>([]);
  const [filter, setFilter] = useState<AuditFilter>({ kind: '', personId: '', since: '', until: '' });
  const [applied, setApplied] = useState<Record<string, string>>({});
  const [entries, setEntries] = useState<AuditEntryView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [paged, setPaged] = useState(false);

  const load = async (query: Record<string, string>, before?: string) => {
    setError('');
    setPaged(before !== undefined);
    try {
      const page = await currentClient().call(privacyEndpoints.listAudit, {
        query: { ...query, limit: 50, ...(before ? { before } : {}) },
      });
      setEntries(page.entries);
      setNext(page.next);
    } catch {
      setError(pt('errorUnknown'));
    }
  };
  useEffect(() => {
    currentClient()
      .people()
      .then(setPeople)
      .catch(() => undefined);
    void load({});
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    const query = auditQuery(filter);
    if (!query) return setError(pt('privacy_errorDate'));
    setApplied(query);
    void load(query);
  };
  const names = new Map(people.map((person) => [person.id, person.displayName]));
  const name = (id: string | null) =>
    id === null ? pt('privacy_system') : (names.get(id) ?? pt('privacy_erasedPerson'));
  const set = (field: keyof AuditFilter) => (event: { currentTarget: { value: string } }) =>
    setFilter((before) => ({ ...before, [field]: event.currentTarget.value }));

  return (
    <PrivacyPage id="audit-title" title={pt('privacy_audit')} admin>
      <p>{pt('privacy_auditIntro')}</p>
      <form onSubmit={submit} noValidate>
        <label for="audit-kind">{pt('privacy_filterKind')}</label>
        <select id="audit-kind" value={filter.kind} onChange={set('kind')}>
          <option value="">{pt('privacy_filterAll')}</option>
          {KINDS.map((kind) => (
            <option key={kind} value={kind}>
              {pt(`privacy_kind_${kind}` as WordKey)}
            </option>
          ))}
        </select>
        <label for="audit-person">{pt('privacy_filterPerson')}</label>
        <select id="audit-person" value={filter.personId} onChange={set('personId')}>
          <option value="">{pt('privacy_filterEveryone')}</option>
          {people.map((person) => (
            <option key={person.id} value={person.id}>
              {person.displayName} ({pt(`role_${person.role}`)})
            </option>
          ))}
        </select>
        <label for="audit-since">{pt('privacy_filterSince')}</label>
        <input id="audit-since" type="date" value={filter.since} onInput={set('since')} />
        <label for="audit-until">{pt('privacy_filterUntil')}</label>
        <input id="audit-until" type="date" value={filter.until} onInput={set('until')} />
        <p class="error" role="alert" aria-live="assertive">
          {error}
        </p>
        <div class="actions">
          <button type="submit" class="primary">
            {pt('privacy_filter')}
          </button>
          <button
            type="button"
            onClick={() => void downloadCsv(applied).catch(() => setError(pt('errorUnknown')))}
          >
            {pt('privacy_downloadCsv')}
          </button>
        </div>
      </form>
      {entries && entries.length === 0 && <p role="status">{pt('privacy_noEntries')}</p>}
      {entries && entries.length > 0 && (
        <ul class="list audit" aria-label={pt('privacy_audit')}>
          {entries.map((entry) => (
            <li key={entry.id} class="card">
              <AuditLine entry={entry} name={name} known={(id) => names.get(id)} />
            </li>
          ))}
        </ul>
      )}
      <div class="actions">
        {next && (
          <button type="button" onClick={() => void load(applied, next)}>
            {pt('privacy_older')}
          </button>
        )}
        {paged && (
          <button type="button" onClick={() => void load(applied)}>
            {pt('privacy_newest')}
          </button>
        )}
      </div>
    </PrivacyPage>
  );
}

/** One entry: when, what (its kind in words and the action), by whom, about whom, and its small details. */
export function AuditLine({
  entry,
  name,
  known = () => undefined,
}: {
  entry: AuditEntryView;
  name: (id: string | null) => string;
  known?: (id: string) => string | undefined;
}) {
  const kind = entry.action.split('.')[0] ?? '';
  const kindWords = (KINDS as readonly string[]).includes(kind)
    ? pt(`privacy_kind_${kind}` as WordKey)
    : kind;
  const details = Object.entries(entry.details).map(([key, value]) => {
    const shown = typeof value === 'string' ? (known(value) ?? value) : String(value);
    return `${key}: ${shown}`;
  });
  return (
    <>
      <p>
        <time dateTime={entry.at}>{formatDateTime(entry.at)}</time> · {kindWords}: <code>{entry.action}</code>
      </p>
      <p class="hint">
        {pt('privacy_by', { name: name(entry.actorPersonId) })}
        {entry.subjectType === 'person' &&
          entry.subjectId &&
          ` · ${pt('privacy_about', { name: name(entry.subjectId) })}`}
        {details.length > 0 && ` · ${details.join(', ')}`}
      </p>
    </>
  );
}
