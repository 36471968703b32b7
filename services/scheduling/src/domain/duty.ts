import type { OpeningHours, QueueSettings } from '@spreekuur/protocol/scheduling';
import { contains, type Interval } from './local-time.ts';
import { isOpenAt, lastClosing, nextTransition, openingFrom, openIntervals } from './office-hours.ts';

/** A rostered stretch of duty for one worker (from the roster table, as instants). */
export interface RosterShift extends Interval {
  readonly workerId: string;
}

/** A worker switching themselves on or off duty: it holds from `at` until `endsAt`. */
export interface DutyToggle {
  readonly workerId: string;
  readonly onDuty: boolean;
  readonly at: Date;
  /**
   * Fixed when the switch is made ({@link dutyToggle}): editing the hours later neither stretches
   * nor moves it. Worked out again from today's hours, a switch made in evening hours that were then
   * taken away would hold through the next day's opening instead.
   */
  readonly endsAt: Date;
}

/** Everything that decides who is on duty for a team's office hours. */
export interface DutyRoster {
  readonly hours: OpeningHours;
  readonly shifts: readonly RosterShift[];
  /** Recent toggles; only each worker's latest one before the instant in question matters. */
  readonly toggles: readonly DutyToggle[];
}

/**
 * A toggle holds for one opening: from the moment it is made until the end of the opening it is
 * made in (or, made while closed, the next opening), in the hours published at that moment. Then
 * the roster decides again, so nobody is left "on duty" tomorrow because they forgot to switch off
 * today. Open past the look-ahead: until its end. No opening in sight: it ends at once (it would
 * change nothing, and must not spring to life when hours are published later).
 */
export function toggleExpiry(hours: OpeningHours, toggleAt: Date): Date {
  return openingFrom(hours, toggleAt)?.end ?? toggleAt;
}

/** A switch made now, with its end fixed from the hours published now. */
export function dutyToggle(hours: OpeningHours, workerId: string, onDuty: boolean, at: Date): DutyToggle {
  return { workerId, onDuty, at, endsAt: toggleExpiry(hours, at) };
}

function latestToggle(roster: DutyRoster, workerId: string, instant: Date): DutyToggle | undefined {
  let latest: DutyToggle | undefined;
  for (const toggle of roster.toggles) {
    if (toggle.workerId !== workerId || toggle.at > instant) continue;
    if (latest === undefined || toggle.at > latest.at) latest = toggle;
  }
  return latest;
}

function wantsDuty(roster: DutyRoster, workerId: string, instant: Date): boolean {
  const toggle = latestToggle(roster, workerId, instant);
  if (toggle !== undefined && instant < toggle.endsAt) return toggle.onDuty;
  return roster.shifts.some((shift) => shift.workerId === workerId && contains(shift, instant));
}

/** On duty = the team is open, and the worker's own toggle (while it holds) or else the roster says so. */
export function isOnDuty(roster: DutyRoster, workerId: string, instant: Date): boolean {
  return isOpenAt(roster.hours, instant) && wantsDuty(roster, workerId, instant);
}

function knownWorkers(roster: DutyRoster): string[] {
  const ids = new Set<string>();
  for (const shift of roster.shifts) ids.add(shift.workerId);
  for (const toggle of roster.toggles) ids.add(toggle.workerId);
  return [...ids].sort();
}

/** Worker ids on duty at `instant`, sorted. */
export function workersOnDuty(roster: DutyRoster, instant: Date): string[] {
  if (!isOpenAt(roster.hours, instant)) return [];
  return knownWorkers(roster).filter((workerId) => wantsDuty(roster, workerId, instant));
}

/**
 * Who may take queue conversations now: the workers on duty while open. After closing, with
 * `finish_queue`, the workers on duty at the closing moment keep going (until they switch off).
 */
export function queueStaff(
  roster: DutyRoster,
  settings: Pick<QueueSettings, 'whenHoursEnd'>,
  now: Date,
): string[] {
  if (isOpenAt(roster.hours, now)) return workersOnDuty(roster, now);
  if (settings.whenHoursEnd !== 'finish_queue') return [];
  const closedAt = lastClosing(roster.hours, now);
  if (closedAt === null) return [];
  const lastOpenMoment = new Date(closedAt.getTime() - 1);
  return workersOnDuty(roster, lastOpenMoment).filter((workerId) => {
    const toggle = latestToggle(roster, workerId, now);
    return !(toggle !== undefined && toggle.at >= closedAt && !toggle.onDuty);
  });
}

/**
 * The first instant at or after `now` the worker is on duty; null if not within the known roster.
 * Duty can only begin at `now`, a shift start, an opening, or when a toggle runs out.
 */
export function nextOnDuty(roster: DutyRoster, workerId: string, now: Date): Date | null {
  const shifts = roster.shifts.filter((shift) => shift.workerId === workerId && shift.end > now);
  const toggle = latestToggle(roster, workerId, now);
  const toggleEnd = toggle?.endsAt ?? null;
  const lookUntil = new Date(
    Math.max(now.getTime(), toggleEnd?.getTime() ?? 0, ...shifts.map((shift) => shift.end.getTime())),
  );
  const candidates = [
    now,
    ...shifts.map((shift) => shift.start),
    ...openIntervals(roster.hours, now, lookUntil).map((interval) => interval.start),
    ...(toggleEnd === null ? [] : [toggleEnd]),
  ]
    .filter((candidate) => candidate >= now)
    .sort((a, b) => a.getTime() - b.getTime());
  return candidates.find((candidate) => isOnDuty(roster, workerId, candidate)) ?? null;
}

/**
 * Off-duty workers get no notifications. When not notified, `seenFrom` is what the sender is shown:
 * when the worker will be on duty again (null: not known from the roster).
 */
export type NotificationDecision =
  { readonly notify: true } | { readonly notify: false; readonly seenFrom: Date | null };

export function notificationDecision(roster: DutyRoster, workerId: string, now: Date): NotificationDecision {
  if (isOnDuty(roster, workerId, now)) return { notify: true };
  return { notify: false, seenFrom: nextOnDuty(roster, workerId, now) };
}

/**
 * The next instant after `now` at which who takes queue conversations, or the queue's phase, can
 * change on its own: an opening or closing, a rostered shift starting or ending, or a worker's
 * switch running out (usually at a closing, but hours edited after the switch can leave its end
 * inside an opening; switching itself is a change the caller sees happen). The queue is
 * re-evaluated then: auto-assignment, closing notices. Null: nothing ahead within the hours'
 * horizon and the known roster.
 */
export function nextQueueReview(roster: DutyRoster, now: Date): Date | null {
  const candidates: number[] = [];
  const transition = nextTransition(roster.hours, now);
  if (transition !== null) candidates.push(transition.at.getTime());
  for (const shift of roster.shifts) {
    for (const instant of [shift.start, shift.end]) {
      if (instant > now) candidates.push(instant.getTime());
    }
  }
  for (const workerId of knownWorkers(roster)) {
    const toggle = latestToggle(roster, workerId, now);
    if (toggle !== undefined && toggle.endsAt > now) candidates.push(toggle.endsAt.getTime());
  }
  return candidates.length === 0 ? null : new Date(Math.min(...candidates));
}
