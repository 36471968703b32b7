import {
  officeHoursEndpoints,
  weekdayNames,
  type DateOverride,
  type QueueSettings,
  type TeamOfficeHoursDocument,
  type WeekdayName,
} from '@spreekuur/protocol/scheduling';
import { useEffect, useState } from 'preact/hooks';
import { locale, t, type MessageKey } from '../../i18n.ts';
import { currentClient } from '../../state/session.ts';
import { BackLink } from '../back-link.tsx';
import { checkWeek, closureFrom, weekForm, weeklyDays, type WeekForm } from './hours-form.ts';
import { TeamChoice, useTeams } from './team-choice.tsx';

type Problem = { where: string; key: MessageKey } | null;

/** A worker edits the team's weekly hours, its closures (with a reason) and how the queue shares out residents. */
export function OfficeHoursEditor() {
  const teams = useTeams();
  const [teamId, setTeamId] = useState('');
  const [doc, setDoc] = useState<TeamOfficeHoursDocument | null>(null);
  const [week, setWeek] = useState<WeekForm | null>(null);
  const [problem, setProblem] = useState<Problem>(null);
  const [saved, setSaved] = useState('');
  const current = teamId || teams[0]?.id || '';

  useEffect(() => {
    if (!current) return;
    setDoc(null);
    currentClient()
      .call(officeHoursEndpoints.hours, { params: { teamId: current } })
      .then((loaded) => {
        setDoc(loaded);
        setWeek(weekForm(loaded.hours));
      })
      .catch(() => setProblem({ where: 'page', key: 'errorUnknown' }));
  }, [current]);

  const publish = async (overrides: DateOverride[], days = doc?.hours.weekly.days) => {
    if (!doc || !days) return false;
    try {
      const next = await currentClient().call(officeHoursEndpoints.publishHours, {
        params: { teamId: current },
        body: { weekly: { timeZone: doc.hours.weekly.timeZone, days }, overrides },
      });
      setDoc(next);
      return true;
    } catch {
      setProblem({ where: 'page', key: 'worker_errorSave' });
      return false;
    }
  };

  const saveWeek = async (event: Event) => {
    event.preventDefault();
    setSaved('');
    if (!week || !doc) return;
    const wrong = checkWeek(week);
    if (wrong) return setProblem({ where: `${wrong.day}-${wrong.index}`, key: wrong.key });
    setProblem(null);
    const days = weeklyDays(week);
    if (await publish(doc.hours.overrides, days)) {
      setWeek(weekForm({ ...doc.hours, weekly: { ...doc.hours.weekly, days } }));
      setSaved(t('worker_saved'));
    }
  };

  const changeRange = (day: WeekdayName, index: number, field: 'start' | 'end', value: string) =>
    setWeek((w) => w && { ...w, [day]: w[day].map((r, i) => (i === index ? { ...r, [field]: value } : r)) });
  const addRange = (day: WeekdayName) =>
    setWeek((w) => w && { ...w, [day]: [...w[day], { start: '09:00', end: '12:00' }] });
  const removeRange = (day: WeekdayName, index: number) =>
    setWeek((w) => w && { ...w, [day]: w[day].filter((_, i) => i !== index) });

  const errorId = 'hours-error';
  const invalid = (where: string) => problem?.where === where;
  return (
    <>
      <BackLink />
      <h1>{t('worker_hoursTitle')}</h1>
      <TeamChoice teams={teams} value={current} onChange={setTeamId} id="hours-team" />
      <p>{t('worker_hoursIntro')}</p>
      {doc && week && (
        <>
          <form class="card hours" onSubmit={(event) => void saveWeek(event)} noValidate>
            {weekdayNames.map((day) => (
              <fieldset key={day} class="day">
                <legend>{t(`worker_day_${day}`)}</legend>
                {week[day].length === 0 && <p class="hint">{t('worker_dayClosed')}</p>}
                {week[day].map((range, index) => {
                  const label = t('worker_rangeLabel', { day: t(`worker_day_${day}`), n: index + 1 });
                  const where = `${day}-${index}`;
                  return (
                    <div class="range" key={index} role="group" aria-label={label}>
                      <label for={`${where}-start`}>{t('worker_from')}</label>
                      <input
                        id={`${where}-start`}
                        inputMode="numeric"
                        autocomplete="off"
                        placeholder="09:00"
                        value={range.start}
                        aria-invalid={invalid(where)}
                        aria-describedby={invalid(where) ? errorId : undefined}
                        onInput={(event) => changeRange(day, index, 'start', event.currentTarget.value)}
                      />
                      <label for={`${where}-end`}>{t('worker_until')}</label>
                      <input
                        id={`${where}-end`}
                        inputMode="numeric"
                        autocomplete="off"
                        placeholder="17:00"
                        value={range.end}
                        aria-invalid={invalid(where)}
                        aria-describedby={invalid(where) ? errorId : undefined}
                        onInput={(event) => changeRange(day, index, 'end', event.currentTarget.value)}
                      />
                      <button
                        type="button"
                        aria-label={`${t('worker_removeRange')}: ${label}`}
                        onClick={() => removeRange(day, index)}
                      >
                        {t('worker_removeRange')}
                      </button>
                    </div>
                  );
                })}
                <button
                  type="button"
                  aria-label={`${t('worker_addRange')}: ${t(`worker_day_${day}`)}`}
                  onClick={() => addRange(day)}
                >
                  {t('worker_addRange')}
                </button>
              </fieldset>
            ))}
            <p id={errorId} class="error" role="alert" aria-live="assertive">
              {problem && problem.where !== 'closure' ? t(problem.key) : ''}
            </p>
            <p role="status">{saved}</p>
            <button type="submit" class="primary">
              {t('worker_save')}
            </button>
          </form>
          <Closures
            overrides={doc.hours.overrides}
            problem={problem?.where === 'closure' ? problem.key : null}
            onProblem={(key) => setProblem(key ? { where: 'closure', key } : null)}
            publish={publish}
          />
          <QueueSettingsForm
            key={current}
            teamId={current}
            settings={doc.settings}
            onSaved={(next) => setDoc(next)}
          />
        </>
      )}
      {problem?.where === 'page' && !doc && (
        <p class="error" role="alert">
          {t(problem.key)}
        </p>
      )}
    </>
  );
}

function dateWords(date: string): string {
  return new Intl.DateTimeFormat(locale() === 'nl' ? 'nl-NL' : 'en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

function describe(override: DateOverride): string {
  const text =
    override.kind === 'closed'
      ? t('worker_closureOne', { date: dateWords(override.date) })
      : override.kind === 'closed_range'
        ? t('worker_closureRange', { from: dateWords(override.from), to: dateWords(override.to) })
        : t('worker_extraHours', { date: dateWords(override.date) });
  return override.label ? `${text} (${override.label})` : text;
}

/** The team's closures and other exceptions: listed, removed, and a new closure with a reason. */
function Closures({
  overrides,
  problem,
  onProblem,
  publish,
}: {
  overrides: DateOverride[];
  problem: MessageKey | null;
  onProblem: (key: MessageKey | null) => void;
  publish: (overrides: DateOverride[]) => Promise<boolean>;
}) {
  const [form, setForm] = useState({ from: '', to: '', reason: '' });
  const [saved, setSaved] = useState('');
  const add = async (event: Event) => {
    event.preventDefault();
    setSaved('');
    const made = closureFrom(form, overrides);
    if ('key' in made) return onProblem(made.key);
    onProblem(null);
    if (await publish([...overrides, made.closure])) {
      setForm({ from: '', to: '', reason: '' });
      setSaved(t('worker_saved'));
    }
  };
  const remove = async (index: number) => {
    setSaved('');
    if (await publish(overrides.filter((_, i) => i !== index))) setSaved(t('worker_saved'));
  };
  return (
    <section class="card" aria-labelledby="closures-title">
      <h2 id="closures-title">{t('worker_closuresTitle')}</h2>
      {overrides.length === 0 && <p>{t('worker_noClosures')}</p>}
      <ul class="list">
        {overrides.map((override, index) => (
          <li key={index} class="closure">
            <span>{describe(override)}</span>{' '}
            <button
              type="button"
              aria-label={`${t('worker_removeClosure')}: ${describe(override)}`}
              onClick={() => void remove(index)}
            >
              {t('worker_removeClosure')}
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={(event) => void add(event)} noValidate>
        <label for="closure-from">{t('worker_closureFrom')}</label>
        <input
          id="closure-from"
          type="date"
          value={form.from}
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'closure-error' : undefined}
          onInput={(event) => setForm({ ...form, from: event.currentTarget.value })}
        />
        <label for="closure-to">{t('worker_closureTo')}</label>
        <p class="hint" id="closure-to-hint">
          {t('worker_closureToHint')}
        </p>
        <input
          id="closure-to"
          type="date"
          value={form.to}
          aria-describedby="closure-to-hint"
          onInput={(event) => setForm({ ...form, to: event.currentTarget.value })}
        />
        <label for="closure-reason">{t('worker_closureReason')}</label>
        <p class="hint" id="closure-reason-hint">
          {t('worker_closureReasonHint')}
        </p>
        <input
          id="closure-reason"
          maxLength={100}
          value={form.reason}
          aria-describedby="closure-reason-hint"
          onInput={(event) => setForm({ ...form, reason: event.currentTarget.value })}
        />
        <p id="closure-error" class="error" role="alert" aria-live="assertive">
          {problem ? t(problem) : ''}
        </p>
        <p role="status">{saved}</p>
        <button type="submit" class="primary">
          {t('worker_addClosure')}
        </button>
      </form>
    </section>
  );
}

/** Auto-assignment and seats per worker: the team's queue settings. */
function QueueSettingsForm({
  teamId,
  settings,
  onSaved,
}: {
  teamId: string;
  settings: QueueSettings;
  onSaved: (doc: TeamOfficeHoursDocument) => void;
}) {
  const [form, setForm] = useState(settings);
  const [message, setMessage] = useState({ text: '', error: false });
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      onSaved(
        await currentClient().call(officeHoursEndpoints.changeQueueSettings, {
          params: { teamId },
          body: form,
        }),
      );
      setMessage({ text: t('worker_saved'), error: false });
    } catch {
      setMessage({ text: t('worker_errorSave'), error: true });
    }
  };
  return (
    <form class="card" aria-labelledby="queue-settings-title" onSubmit={(event) => void save(event)}>
      <h2 id="queue-settings-title">{t('worker_queueSettingsTitle')}</h2>
      <p class="check">
        <input
          id="auto-assign"
          type="checkbox"
          checked={form.autoAssign}
          aria-describedby="auto-assign-hint"
          onChange={(event) => setForm({ ...form, autoAssign: event.currentTarget.checked })}
        />
        <label for="auto-assign">{t('worker_autoAssign')}</label>
      </p>
      <p class="hint" id="auto-assign-hint">
        {t('worker_autoAssignHint')}
      </p>
      <label for="max-concurrent">{t('worker_maxConcurrent')}</label>
      <select
        id="max-concurrent"
        value={String(form.maxConcurrentPerWorker)}
        onChange={(event) => setForm({ ...form, maxConcurrentPerWorker: Number(event.currentTarget.value) })}
      >
        {[1, 2, 3, 4, 5, 6, 8, 10].map((n) => (
          <option key={n} value={String(n)}>
            {n}
          </option>
        ))}
      </select>
      <p class={message.error ? 'error' : ''} role={message.error ? 'alert' : 'status'}>
        {message.text}
      </p>
      <button type="submit">{t('worker_save')}</button>
    </form>
  );
}
