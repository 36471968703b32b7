import { z } from 'zod';
import { id } from '../common.ts';
import { endpoint } from '../endpoint.ts';
import { shiftParams, teamParams, timeZoneQuery, workerParams } from './params.ts';
import { utcInstant, zonedInstant } from './time.ts';

/** Duty: the roster of shifts, switching oneself on or off, and whether a worker can be reached now. */

export const rosterShift = z.strictObject({
  id,
  teamId: id,
  workerId: id,
  start: utcInstant,
  end: utcInstant,
});
export type RosterShiftView = z.infer<typeof rosterShift>;

const MAX_SHIFT_MS = 7 * 86_400_000;

export const createRosterShiftBody = z
  .strictObject({ workerId: id, start: utcInstant, end: utcInstant })
  .superRefine((shift, ctx) => {
    const length = Date.parse(shift.end) - Date.parse(shift.start);
    if (Number.isNaN(length)) return;
    if (length <= 0) ctx.addIssue({ code: 'custom', message: 'end must be after start', path: ['end'] });
    else if (length > MAX_SHIFT_MS)
      ctx.addIssue({ code: 'custom', message: 'a shift lasts at most 7 days', path: ['end'] });
  });

const MAX_ROSTER_QUERY_MS = 62 * 86_400_000;

export const rosterQuery = z.strictObject({ from: utcInstant, to: utcInstant }).superRefine((query, ctx) => {
  const length = Date.parse(query.to) - Date.parse(query.from);
  if (Number.isNaN(length)) return;
  if (length <= 0) ctx.addIssue({ code: 'custom', message: '`to` must be after `from`', path: ['to'] });
  else if (length > MAX_ROSTER_QUERY_MS)
    ctx.addIssue({ code: 'custom', message: 'ask for at most 62 days at once', path: ['to'] });
});

/** A worker switches themselves on or off duty (holds until the end of the current or next opening). */
export const dutyToggleBody = z.strictObject({ onDuty: z.boolean() });

export const dutyStatus = z.strictObject({
  teamId: id,
  /** Workers taking queue conversations now. */
  staff: z.array(id).max(200),
  /** The caller's own duty (null for callers who are not workers of the team). */
  me: z
    .strictObject({
      onDuty: z.boolean(),
      /** When the caller will next be on duty (null: on duty now, or not in the roster). */
      nextOnDuty: utcInstant.nullable(),
    })
    .nullable(),
});
export type DutyStatus = z.infer<typeof dutyStatus>;

/** Whether a message to a worker reaches them now, or when it will be seen (their next duty). */
export const reachability = z.discriminatedUnion('reachable', [
  z.strictObject({ workerId: id, reachable: z.literal(true) }),
  z.strictObject({ workerId: id, reachable: z.literal(false), seenFrom: zonedInstant.nullable() }),
]);
export type Reachability = z.infer<typeof reachability>;

// ---- Endpoints ------------------------------------------------------------------------

const dutyTags = ['duty'];

/** The roster, switching yourself on or off duty, and whether a worker can be reached now. */
export const dutyEndpoints = {
  roster: endpoint({
    method: 'GET',
    path: '/v1/scheduling/teams/:teamId/roster',
    access: 'device',
    tags: dutyTags,
    params: teamParams,
    query: rosterQuery,
    response: z.strictObject({ shifts: z.array(rosterShift) }),
  }),
  addShift: endpoint({
    method: 'POST',
    path: '/v1/scheduling/teams/:teamId/roster',
    access: 'device',
    tags: dutyTags,
    summary: 'Roster a worker of the team on duty for a stretch of time',
    params: teamParams,
    body: createRosterShiftBody,
    status: 201,
    response: rosterShift,
  }),
  removeShift: endpoint({
    method: 'DELETE',
    path: '/v1/scheduling/teams/:teamId/roster/:shiftId',
    access: 'device',
    tags: dutyTags,
    params: shiftParams,
    status: 204,
  }),
  status: endpoint({
    method: 'GET',
    path: '/v1/scheduling/teams/:teamId/duty',
    access: 'device',
    tags: dutyTags,
    params: teamParams,
    response: dutyStatus,
  }),
  switchDuty: endpoint({
    method: 'PUT',
    path: '/v1/scheduling/teams/:teamId/duty',
    access: 'device',
    tags: dutyTags,
    summary: 'Switch yourself on or off duty (holds until the end of the current or next opening)',
    params: teamParams,
    body: dutyToggleBody,
    response: dutyStatus,
  }),
  reachability: endpoint({
    method: 'GET',
    path: '/v1/scheduling/workers/:workerId/reachability',
    access: 'device',
    tags: dutyTags,
    summary: 'Whether a message reaches the worker now, or from when it will be seen',
    params: workerParams,
    query: timeZoneQuery,
    response: reachability,
  }),
} as const;
