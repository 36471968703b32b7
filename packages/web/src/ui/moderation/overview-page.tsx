import { useEffect, useState } from 'preact/hooks';
import { tm } from '../../i18n/moderation-screens.ts';
import { currentClient } from '../../state/session.ts';
import { BackLink } from '../back-link.tsx';
import { explain } from './explain.ts';

type Summary = Awaited<ReturnType<ReturnType<typeof currentClient>['moderation']['overview']>>[number];
interface Counts {
  channelId: string;
  open: number;
  dismissed: number;
  action_taken: number;
}

/** Per group, in order of first report: how many reports and how they were handled. */
function countPerGroup(reports: readonly Summary[]): Counts[] {
  const groups = new Map<string, Counts>();
  for (const report of reports) {
    const counts = groups.get(report.channelId) ?? {
      channelId: report.channelId,
      open: 0,
      dismissed: 0,
      action_taken: 0,
    };
    counts[report.status] += 1;
    groups.set(report.channelId, counts);
  }
  return [...groups.values()];
}

/**
 * For organisation admins: how many reports each group has and how they were handled. Counts
 * only: the server gives admins no content (docs/moderation.md), and this page asks for none.
 * Admins are not members of the groups, so a group is named by the start of its id.
 */
export function ReportOverviewPage() {
  const [groups, setGroups] = useState<Counts[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    void currentClient()
      .moderation.overview()
      .then(
        (reports) => setGroups(countPerGroup(reports)),
        (caught: unknown) => setError(explain(caught)),
      );
  }, []);

  return (
    <section aria-labelledby="overview-title">
      <BackLink />
      <h1 id="overview-title">{tm('moderation_overview')}</h1>
      <p class="hint">{tm('moderation_overviewIntro')}</p>
      <p class="error" role="alert">
        {error}
      </p>
      {groups && groups.length === 0 && <p>{tm('moderation_overviewNone')}</p>}
      {groups && groups.length > 0 && (
        <table data-testid="report-overview">
          <caption class="hint">{tm('moderation_overview')}</caption>
          <thead>
            <tr>
              <th scope="col">{tm('moderation_overviewGroup')}</th>
              <th scope="col">{tm('moderation_overviewTotal')}</th>
              <th scope="col">{tm('moderation_overviewOpen')}</th>
              <th scope="col">{tm('moderation_overviewDismissed')}</th>
              <th scope="col">{tm('moderation_overviewActed')}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((group) => (
              <tr key={group.channelId}>
                <th scope="row">{tm('moderation_overviewGroupName', { id: group.channelId.slice(0, 8) })}</th>
                <td>{group.open + group.dismissed + group.action_taken}</td>
                <td>{group.open}</td>
                <td>{group.dismissed}</td>
                <td>{group.action_taken}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
