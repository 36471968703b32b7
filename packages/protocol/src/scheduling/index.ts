/**
 * Wire and stored-JSON shapes of the scheduling service, one file per subdomain, each ending
 * with its REST endpoints (call them with `client.call(queueEndpoints.join, …)`). The rules
 * behind them live in services/scheduling/src/domain/README.md.
 *
 * | Module             | Endpoints                                                          |
 * | ------------------ | ------------------------------------------------------------------ |
 * | `team-status.ts`   | `officeHoursEndpoints`: settings, hours, queue settings, status    |
 * | `duty.ts`          | `dutyEndpoints`: roster, switching duty, reachability              |
 * | `queue.ts`         | `queueEndpoints`: join (or leave a question), own entries, pick…   |
 * | `appointments.ts`  | `appointmentEndpoints`: types, availability, slots, bookings       |
 * | `calendar.ts`      | `calendarEndpoints`: .ics files, feed URLs and the public feed     |
 * | `notifications.ts` | `notificationEndpoints`: list, mark read                           |
 *
 * Office hours' endpoints live in `team-status.ts`: their answers bring office hours, the
 * queue and appointments together, and `office-hours.ts` comes before all three.
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
