import { z } from 'zod';
import { id } from '../common.ts';
import { DEFAULT_TIME_ZONE, timeZone } from './time.ts';

/** Path and query parameters shared by the scheduling endpoints (a plain `:id` is `idParams`). */

export const teamParams = z.strictObject({ teamId: id });
export const entryParams = z.strictObject({ entryId: id });
export const workerParams = z.strictObject({ workerId: id });
export const shiftParams = z.strictObject({ teamId: id, shiftId: id });

/** `?timeZone=Europe/Amsterdam`: the zone a person wants times shown in. */
export const timeZoneQuery = z.strictObject({ timeZone: timeZone.default(DEFAULT_TIME_ZONE) });
