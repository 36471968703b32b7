/** The scheduling domain: pure functions over plain data. See README.md for the rules. */
export * from './errors.ts';
export * from './local-time.ts';
export * from './office-hours.ts';
export * from './duty.ts';
export * from './wait-estimate.ts';
export * from './queue-state.ts';
export * from './queue.ts';
export * from './queue-views.ts';
export * from './slots.ts';
export * from './appointments.ts';
export * from './reminders.ts';
export * from './ics.ts';
