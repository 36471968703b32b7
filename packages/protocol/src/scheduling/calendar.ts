import { z } from 'zod';
import { utcInstant } from './time.ts';

/** A worker's calendar feed: the URL (with its secret token) is shown once, when made. */
export const calendarFeed = z.strictObject({ url: z.url(), createdAt: utcInstant });
export const calendarFeedQuery = z.strictObject({ token: z.string().min(20).max(200) });
