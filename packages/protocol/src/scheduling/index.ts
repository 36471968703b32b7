/**
 * Wire and stored-JSON shapes of the scheduling service, one file per subdomain. The rules behind
 * them live in services/scheduling/src/domain/README.md.
 */
export * from './time.ts';
export * from './params.ts';
export * from './office-hours.ts';
export * from './duty.ts';
export * from './queue.ts';
export * from './appointments.ts';
export * from './team-status.ts';
export * from './calendar.ts';
export * from './notifications.ts';
export * from './events.ts';
export * from './errors.ts';
