import type { OpenedReport } from '@spreekuur/client';
import type { Channel, Report } from '@spreekuur/protocol/chat';
import { useEffect, useState } from 'preact/hooks';
import { tm, type ScreenKey } from '../../i18n/moderation-screens.ts';
import { t } from '../../i18n.ts';
import { channels, currentClient } from '../../state/session.ts';
import { useObservable } from '../../state/store.ts';
import { BackLink } from '../back-link.tsx';
import { explain } from './explain.ts';
import { dayAndTime, moderates } from './group-state.ts';

type Summary = Omit<Report, 'sealed' | 'commitment'>;

/**
 * Reports: for moderators the open reports of their groups, each opened on this device and
 * checked against the message's commitment, with what they can do about it; for everyone the
 * reports they made and whether those were handled.
 */
export function ReportsPage() {
  const list = useObservable(channels);
  const groups = list.filter((channel) => channel.kind === 'group' && moderates(channel));
  const [queues, setQueues] = useState<Record<string, OpenedReport[]>>({});
  const [mine, setMine] = useState<Summary[]>([]);
  const [error, setError] = useState('');

  const load = async () => {
    const moderation = currentClient().moderation;
    const next: Record<string, OpenedReport[]> = {};
    for (const group of groups) next[group.id] = await moderation.queue(group.id, 'open');
    setQueues(next);
    setMine(await moderation.mine());
  };
  useEffect(() => {
    void load().catch((caught: unknown) => setError(explain(caught)));
    // A report made or handled while the page is open.
    return currentClient().on('report', () => void load().catch(() => undefined));
  }, [groups.map((group) => group.id).join()]);

  const act = async (action: () => Promise<unknown>) => {
    setError('');
    try {
      await action();
      await load();
    } catch (caught) {
      setError(explain(caught));
    }
  };

  return (
    <section aria-labelledby="reports-title">
      <BackLink />
      <h1 id="reports-title">{t('moderation_reports')}</h1>
      <p class="error" role="alert">
        {error}
      </p>
      {groups.map((group) => (
        <GroupQueue key={group.id} group={group} reports={queues[group.id] ?? []} act={act} />
      ))}
      <h2>{tm('moderation_myReports')}</h2>
      {mine.length === 0 ? (
        <p class="hint">{tm('moderation_noReports')}</p>
      ) : (
        <ul class="list" data-testid="my-reports">
          {mine.map((report) => (
            <li key={report.id}>
              {tm(`moderation_reason_${report.reason}` as ScreenKey)}, {dayAndTime(report.createdAt)}:{' '}
              <strong>{tm(`moderation_status_${report.status}` as ScreenKey)}</strong>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function GroupQueue({
  group,
  reports,
  act,
}: {
  group: Channel;
  reports: OpenedReport[];
  act: (action: () => Promise<unknown>) => Promise<void>;
}) {
  const nameOf = (personId: string) =>
    group.members.find((member) => member.personId === personId)?.displayName ?? '—';
  const moderation = currentClient().moderation;
  const id = `queue-${group.id}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{tm('moderation_reportsOf', { group: group.name ?? t('group') })}</h2>
      {reports.length === 0 && <p class="hint">{tm('moderation_noReports')}</p>}
      <ul class="list">
        {reports.map((report) => {
          const target = report.senderPersonId;
          const handled = (action: () => Promise<unknown>) =>
            act(async () => {
              await action();
              await moderation.resolve(report.id, 'action_taken');
            });
          return (
            <li key={report.id} class="card report" data-testid="report">
              <p>
                {tm('moderation_reportFrom', {
                  reporter: nameOf(report.reporterPersonId),
                  reason: tm(`moderation_reason_${report.reason}` as ScreenKey),
                })}
              </p>
              <p class="hint">
                {tm('moderation_sentBy', { sender: nameOf(target), time: dayAndTime(report.sentAt) })}
              </p>
              {report.reveal ? (
                <>
                  <blockquote>{messageText(report.reveal.plaintext)}</blockquote>
                  {report.reveal.note && <p>{report.reveal.note}</p>}
                  <p class={report.reveal.verified ? 'verified' : 'error'}>
                    {report.reveal.verified ? tm('moderation_verified') : tm('moderation_notVerified')}
                  </p>
                </>
              ) : (
                <p class="hint">{tm('moderation_noReveal')}</p>
              )}
              <div class="actions">
                <button
                  type="button"
                  onClick={() => void act(() => moderation.resolve(report.id, 'dismissed'))}
                >
                  {tm('moderation_dismiss')}
                </button>{' '}
                <button
                  type="button"
                  onClick={() => void handled(() => moderation.mute(group.id, target, 24 * 3600))}
                >
                  {tm('moderation_muteDay')}
                </button>{' '}
                <button type="button" onClick={() => void handled(() => moderation.remove(group.id, target))}>
                  {tm('moderation_remove')}
                </button>{' '}
                <button type="button" onClick={() => void handled(() => moderation.ban(group.id, target))}>
                  {tm('moderation_ban')}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** The words of a revealed message (its plaintext is the message's JSON; the franking key is not shown). */
function messageText(plaintext: string): string {
  try {
    const parsed = JSON.parse(plaintext) as { text?: unknown; name?: unknown };
    if (typeof parsed.text === 'string') return parsed.text;
    if (typeof parsed.name === 'string') return parsed.name;
  } catch {
    // Not JSON: show it as it came.
  }
  return plaintext;
}
