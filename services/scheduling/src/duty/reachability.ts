import type { Queryable } from '@spreekuur/db';
import { openingHours, type Reachability } from '@spreekuur/protocol/scheduling';
import { notificationDecision, toZonedInstant } from '../domain/index.ts';
import { loadRoster } from '../store/roster-store.ts';

/**
 * Whether a message or notification reaches a worker now. A worker in teams with published office
 * hours is reachable while on duty in one of them; otherwise the sender is shown `seenFrom`, the
 * earliest next duty in any of those teams (null: the roster does not say). A worker in no team
 * with office hours has no managed duty hours and is always reachable.
 */
export async function reachabilityOf(
  db: Queryable,
  orgId: string,
  workerId: string,
  now: Date,
  displayTimeZone: string,
): Promise<Reachability> {
  const { rows } = await db.query<{ team_id: string; hours: unknown }>(
    `SELECT o.team_id, o.hours FROM office_hour_teams o
       JOIN team_members m ON m.team_id = o.team_id AND m.person_id = $2
      WHERE o.org_id = $1 AND o.hours IS NOT NULL ORDER BY o.team_id`,
    [orgId, workerId],
  );
  if (rows.length === 0) return { workerId, reachable: true };
  let seenFrom: Date | null = null;
  for (const row of rows) {
    const roster = await loadRoster(db, row.team_id, openingHours.parse(row.hours), now);
    const decision = notificationDecision(roster, workerId, now);
    if (decision.notify) return { workerId, reachable: true };
    if (decision.seenFrom !== null && (seenFrom === null || decision.seenFrom < seenFrom)) {
      seenFrom = decision.seenFrom;
    }
  }
  return {
    workerId,
    reachable: false,
    seenFrom: seenFrom === null ? null : toZonedInstant(seenFrom, displayTimeZone),
  };
}
