import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DutyStatus } from '@spreekuur/protocol/scheduling';
import {
  call,
  expectStatus,
  OFFICE_DAYS,
  seedCast,
  startScheduling,
  type Cast,
  type Person,
  type SchedulingTestApp,
} from './fixtures.ts';

/** Monday 8 December 2025, 19:00 in Amsterdam (CET): inside this evening's extra hours. */
const MONDAY_EVENING = new Date('2025-12-08T18:00:00Z');
/** Tuesday 9 December 2025, 10:00 in Amsterdam: the next opening of the weekday hours. */
const TUESDAY_MORNING = new Date('2025-12-09T09:00:00Z');
/** Extra hours this Monday evening, 18:00–21:00 local. */
const EVENING = {
  kind: 'hours',
  date: '2025-12-08',
  mode: 'extra',
  ranges: [{ start: '18:00', end: '21:00' }],
};

let test: SchedulingTestApp;
beforeAll(async () => {
  test = await startScheduling({ clock: { now: MONDAY_EVENING } });
});
afterAll(() => test.close({ dispose: true }));
beforeEach(() => {
  test.clock.now = MONDAY_EVENING;
});

const publish = (cast: Cast, overrides: unknown[]) =>
  expectStatus(
    call(test, cast.admin, 'PUT', `/v1/scheduling/teams/${cast.teamId}/office-hours`, {
      ...OFFICE_DAYS,
      overrides,
    }),
    200,
  );
const switchDuty = (cast: Cast, worker: Person, onDuty: boolean) =>
  expectStatus(
    call<DutyStatus>(test, worker, 'PUT', `/v1/scheduling/teams/${cast.teamId}/duty`, { onDuty }),
    200,
  );
const duty = (cast: Cast, worker: Person) =>
  expectStatus(call<DutyStatus>(test, worker, 'GET', `/v1/scheduling/teams/${cast.teamId}/duty`), 200);

describe('a duty switch keeps the end it got when it was made', () => {
  it('a switch-on in extra evening hours ends with them, also once that evening is taken away', async () => {
    const cast = await seedCast(test, { workers: 1, residents: 0 });
    const worker = cast.workers[0]!;
    await publish(cast, [EVENING]);
    expect((await switchDuty(cast, worker, true)).me).toEqual({ onDuty: true, nextOnDuty: null });
    // Published again without the evening: the switch still ran out at 21:00 on Monday.
    await publish(cast, []);
    test.clock.now = TUESDAY_MORNING;
    expect(await duty(cast, worker)).toEqual({
      teamId: cast.teamId,
      staff: [],
      me: { onDuty: false, nextOnDuty: null },
    });
  });

  it('a switch-off in that evening does not swallow Tuesday’s rostered shift', async () => {
    const cast = await seedCast(test, { workers: 1, residents: 0 });
    const worker = cast.workers[0]!;
    await expectStatus(
      call(test, cast.admin, 'POST', `/v1/scheduling/teams/${cast.teamId}/roster`, {
        workerId: worker.personId,
        start: '2025-12-09T08:00:00Z',
        end: '2025-12-09T16:00:00Z',
      }),
      201,
    );
    await publish(cast, [EVENING]);
    expect((await switchDuty(cast, worker, false)).me).toEqual({
      onDuty: false,
      nextOnDuty: '2025-12-09T08:00:00Z',
    });
    await publish(cast, []);
    test.clock.now = TUESDAY_MORNING;
    expect(await duty(cast, worker)).toEqual({
      teamId: cast.teamId,
      staff: [worker.personId],
      me: { onDuty: true, nextOnDuty: null },
    });
  });

  it('a switch made before migration 0005 gets its end once, at start, from the hours then', async () => {
    const cast = await seedCast(test, { workers: 1, residents: 0 });
    const worker = cast.workers[0]!;
    await publish(cast, [EVENING]);
    // A switch as the older code stored it (or a node still running it): without an end.
    await test.db.query(
      `INSERT INTO duty_toggles (id, org_id, team_id, worker_id, on_duty, at) VALUES ($1, $2, $3, $4, true, $5)`,
      [randomUUID(), cast.orgId, cast.teamId, worker.personId, MONDAY_EVENING],
    );
    // Read as before meanwhile: on duty until the evening ends.
    expect((await duty(cast, worker)).me).toEqual({ onDuty: true, nextOnDuty: null });
    await test.app.scheduling.housekeeping();
    const { rows } = await test.db.query<{ ends_at: Date }>(
      'SELECT ends_at FROM duty_toggles WHERE worker_id = $1',
      [worker.personId],
    );
    expect(rows.map((row) => row.ends_at.toISOString())).toEqual(['2025-12-08T20:00:00.000Z']);
    // From then on, taking the evening away does not move it into Tuesday.
    await publish(cast, []);
    test.clock.now = TUESDAY_MORNING;
    expect((await duty(cast, worker)).me).toEqual({ onDuty: false, nextOnDuty: null });
  });
});
