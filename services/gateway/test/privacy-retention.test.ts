import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_LIMITS, type RetentionView } from '@spreekuur/protocol/privacy';
import { openDirect, publishKeys, sendPairwise, uploadFile } from '@spreekuur/testing/chat';
import { api, expectOk, login, seedOrganisation, startGateway, type TestGateway } from './harness.ts';

const DAY = 24 * 60 * 60 * 1000;

type Events = {
  lastSeq: number;
  events: Array<{ seq: number; kind: string; deleted?: boolean; ciphertext?: string | null }>;
};

/** Retention: admins set how long things are kept; the job erases what is due, in batches. */
describe('retention', () => {
  let gateway: TestGateway;
  let org: Awaited<ReturnType<typeof seedOrganisation>>;
  let other: Awaited<ReturnType<typeof seedOrganisation>>;
  beforeAll(async () => {
    gateway = await startGateway();
    org = await seedOrganisation(gateway, 'bewaren');
    other = await seedOrganisation(gateway, 'bewaren-b');
    for (const actor of [org.worker, org.resident, other.worker, other.resident])
      await publishKeys(gateway, actor);
  });
  afterAll(() => gateway.close());

  /** Moves the server's clock; access tokens expire on the way, so everyone signs in again. */
  async function later(ms: number) {
    gateway.advanceClock(ms);
    for (const cast of [org, other])
      for (const actor of [cast.admin, cast.worker, cast.resident]) actor.token = await login(gateway, actor);
  }

  it('starts with the documented defaults and says them in plain words to residents', async () => {
    const view = await expectOk<RetentionView>(gateway, org.admin, 'GET', '/v1/privacy/retention');
    expect(view.organisation.officeHourDays).toBe(RETENTION_LIMITS.officeHourDays.default);
    expect(view.organisation.auditDays).toBe(730);
    expect(view.teams).toEqual([]);
    const notice = await expectOk<{ nl: string[]; en: string[] }>(
      gateway,
      org.resident,
      'GET',
      '/v1/privacy/retention/notice',
    );
    expect(notice.nl).toContain('Chatspreekuur-gesprekken worden 30 dagen na afloop gewist.');
  });

  it('lets admins change periods, refuses values out of range and changes nothing then', async () => {
    for (const bad of [
      { messagesDays: 0 },
      { auditDays: 30 },
      { filesDays: 1.5 },
      { unknown: 3 },
      { queueDays: 99999 },
    ]) {
      const answer = await api<{ error: { code: string } }>(
        gateway,
        org.admin,
        'PUT',
        '/v1/privacy/retention',
        bad,
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('ERR_BAD_REQUEST');
    }
    expect(
      (await expectOk<RetentionView>(gateway, org.admin, 'GET', '/v1/privacy/retention')).updatedAt,
    ).toBeNull();

    const changed = await expectOk<RetentionView>(gateway, org.admin, 'PUT', '/v1/privacy/retention', {
      messagesDays: 7,
      filesDays: 3,
    });
    expect(changed.organisation).toMatchObject({ messagesDays: 7, filesDays: 3, officeHourDays: 30 });
    const { rows } = await gateway.db.query<{ details: Record<string, number>; actor_person_id: string }>(
      `SELECT details, actor_person_id FROM audit_log WHERE action = 'retention.changed' AND org_id = $1`,
      [org.organisation.id],
    );
    expect(rows).toEqual([
      { details: { messagesDays: 7, filesDays: 3 }, actor_person_id: org.admin.personId },
    ]);
    // The other organisation keeps its own.
    const theirs = await expectOk<RetentionView>(gateway, other.admin, 'GET', '/v1/privacy/retention');
    expect(theirs.organisation.messagesDays).toBe(365);
  });

  it('lets a team keep office-hour records differently, and only a team of the organisation', async () => {
    const view = await expectOk<RetentionView>(
      gateway,
      org.admin,
      'PUT',
      `/v1/privacy/retention/teams/${org.team.id}`,
      {
        queueDays: 10,
      },
    );
    expect(view.teams).toEqual([
      { teamId: org.team.id, overrides: { queueDays: 10, officeHourDays: null, appointmentsDays: null } },
    ]);
    expect(
      (await api(gateway, org.admin, 'PUT', `/v1/privacy/retention/teams/${other.team.id}`, { queueDays: 5 }))
        .status,
    ).toBe(404);
    expect(
      (
        await api(gateway, org.admin, 'PUT', `/v1/privacy/retention/teams/${org.team.id}`, {
          messagesDays: 5,
        })
      ).status,
    ).toBe(400);
    const theirs = await expectOk<RetentionView>(gateway, other.admin, 'GET', '/v1/privacy/retention');
    expect(theirs.teams).toEqual([]);
  });

  it('refuses workers and residents the admin endpoints', async () => {
    for (const actor of [org.worker, org.resident]) {
      expect((await api(gateway, actor, 'GET', '/v1/privacy/retention')).status).toBe(403);
      expect((await api(gateway, actor, 'PUT', '/v1/privacy/retention', { messagesDays: 1 })).status).toBe(
        403,
      );
      expect((await api(gateway, actor, 'POST', '/v1/privacy/retention/run')).status).toBe(403);
    }
  });

  it('turns old messages into tombstones, so catch-up still sees every sequence number', async () => {
    const direct = await openDirect(gateway, org.worker, org.resident.personId);
    const old: number[] = [];
    for (let i = 0; i < 3; i++) old.push((await sendPairwise(gateway, org.worker, direct.id)).seq);
    const file = await uploadFile(gateway, org.worker, direct.id, 20_000);
    await later(8 * DAY);
    const fresh = (await sendPairwise(gateway, org.resident, direct.id)).seq;
    const theirs = await openDirect(gateway, other.worker, other.resident.personId);
    const theirOld = (await sendPairwise(gateway, other.worker, theirs.id)).seq;

    const run = await expectOk<{ messages: number; files: number }>(
      gateway,
      org.admin,
      'POST',
      '/v1/privacy/retention/run',
    );
    expect(run.messages).toBe(3);
    expect(run.files).toBe(1);

    // A device that was offline the whole time catches up from 0: no gap, old ones deleted, the fresh one readable.
    const page = await expectOk<Events>(
      gateway,
      org.resident,
      'GET',
      `/v1/channels/${direct.id}/events?after=0`,
    );
    const seqs = page.events.map((event) => event.seq);
    expect(seqs).toEqual(Array.from({ length: page.lastSeq }, (_, i) => i + 1));
    const messages = page.events.filter((event) => event.kind === 'message');
    expect(messages.filter((m) => old.includes(m.seq)).map((m) => [m.deleted, m.ciphertext])).toEqual([
      [true, null],
      [true, null],
      [true, null],
    ]);
    expect(messages.find((m) => m.seq === fresh)).toMatchObject({ deleted: false });
    const payloads = await gateway.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM channel_event_payloads WHERE channel_id = $1 AND seq = ANY($2::bigint[])',
      [direct.id, old],
    );
    expect(payloads.rows[0]!.n).toBe(0);
    const bytes = await gateway.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM blob_chunks WHERE blob_id = $1',
      [file.id],
    );
    expect(bytes.rows[0]!.n).toBe(0);
    expect((await api(gateway, org.resident, 'GET', `/v1/files/${file.id}/content`)).status).toBe(404);

    // The other organisation still keeps a year: its message is untouched.
    const theirPage = await expectOk<Events>(
      gateway,
      other.resident,
      'GET',
      `/v1/channels/${theirs.id}/events?after=0`,
    );
    expect(theirPage.events.find((event) => event.seq === theirOld)).toMatchObject({ deleted: false });

    const { rows } = await gateway.db.query<{ details: Record<string, number> }>(
      `SELECT details FROM audit_log WHERE action = 'retention.run' AND org_id = $1`,
      [org.organisation.id],
    );
    expect(rows[0]!.details).toMatchObject({ messages: 3, files: 1 });
    // A second run finds nothing more to do.
    expect(
      (await expectOk<{ messages: number }>(gateway, org.admin, 'POST', '/v1/privacy/retention/run'))
        .messages,
    ).toBe(0);
  });

  it('erases in batches: a small batch size still gets everything, one transaction at a time', async () => {
    const { RetentionService } = await import('../src/privacy/retention-service.ts');
    const small = new RetentionService({ db: gateway.db, clock: () => gateway.now(), batchSize: 2 });
    const direct = await openDirect(gateway, org.admin, org.worker.personId);
    await publishKeys(gateway, org.admin);
    for (let i = 0; i < 5; i++) await sendPairwise(gateway, org.admin, direct.id);
    await later(8 * DAY);
    // Five here and the one message of the last test that has now aged past 7 days too.
    expect((await small.runOrganisation(org.organisation.id)).messages).toBe(6);
    const { rows } = await gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM channel_events WHERE channel_id = $1 AND kind = 'message' AND deleted_at IS NULL`,
      [direct.id],
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('deletes ended queue records and office-hour conversations after the team’s period, never live ones', async () => {
    const now = gateway.now();
    const seed = async (status: 'closed' | 'waiting', endedDaysAgo: number | null) => {
      const channelId = randomUUID();
      await gateway.db.query(
        `INSERT INTO channels (id, org_id, kind, created_at) VALUES ($1, $2, 'office_hour', $3)`,
        [channelId, org.organisation.id, new Date(now.getTime() - 60 * DAY)],
      );
      const id = randomUUID();
      await gateway.db.query(
        `INSERT INTO queue_entries (id, org_id, team_id, resident_id, channel_id, sequence, status, as_question, time_zone, joined_at, ended_at)
         VALUES ($1, $2, $3, $4, $5, (SELECT COALESCE(max(sequence), 0) + 1 FROM queue_entries WHERE team_id = $3), $6, false, 'Europe/Amsterdam', $7, $8)`,
        [
          id,
          org.organisation.id,
          org.team.id,
          org.resident.personId,
          channelId,
          status,
          new Date(now.getTime() - 60 * DAY),
          endedDaysAgo === null ? null : new Date(now.getTime() - endedDaysAgo * DAY),
        ],
      );
      return { id, channelId };
    };
    const longAgo = await seed('closed', 40); // past 30 days (office hours) and 10 (this team's queue)
    const recent = await seed('closed', 12); // past the team's 10 queue days, within 30 office-hour days
    const live = await seed('waiting', null);

    const run = await expectOk<{ officeHourChannels: number; queueEntries: number }>(
      gateway,
      org.admin,
      'POST',
      '/v1/privacy/retention/run',
    );
    expect(run.officeHourChannels).toBe(1);
    expect(run.queueEntries).toBe(1);
    const channels = await gateway.db.query<{ id: string }>(
      'SELECT id FROM channels WHERE id = ANY($1::uuid[])',
      [[longAgo.channelId, recent.channelId, live.channelId]],
    );
    expect(channels.rows.map((row) => row.id).sort()).toEqual([recent.channelId, live.channelId].sort());
    const entries = await gateway.db.query<{ id: string }>(
      'SELECT id FROM queue_entries WHERE id = ANY($1::uuid[])',
      [[longAgo.id, recent.id, live.id]],
    );
    expect(entries.rows.map((row) => row.id)).toEqual([live.id]);
  });

  it('deletes appointments and notifications after their periods, a team’s own period first', async () => {
    const now = gateway.now();
    const secondTeam = await expectOk<{ id: string }>(
      gateway,
      org.admin,
      'POST',
      '/v1/teams',
      { name: 'Schuldhulp' },
      201,
    );
    await expectOk(gateway, org.admin, 'PUT', `/v1/privacy/retention/teams/${secondTeam.id}`, {
      appointmentsDays: 400,
    });
    const appointment = async (teamId: string, endedDaysAgo: number) => {
      const typeId = randomUUID();
      await gateway.db.query(
        `INSERT INTO appointment_types (id, org_id, team_id, definition) VALUES ($1, $2, $3, '{}'::jsonb)`,
        [typeId, org.organisation.id, teamId],
      );
      const id = randomUUID();
      const end = new Date(now.getTime() - endedDaysAgo * DAY);
      await gateway.db.query(
        `INSERT INTO appointments (id, org_id, team_id, appointment_type_id, worker_id, resident_id, kind, start_at, end_at,
                                   buffer_before_minutes, buffer_after_minutes, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'phone', $7, $8, 0, 0, 'booked', $7, $7)`,
        [
          id,
          org.organisation.id,
          teamId,
          typeId,
          org.worker.personId,
          org.resident.personId,
          new Date(end.getTime() - 3_600_000),
          end,
        ],
      );
      await gateway.db.query(
        `INSERT INTO scheduling_jobs (id, org_id, key, kind, due_at, payload) VALUES ($1, $2, $3, 'reminder', $4, $5)`,
        [randomUUID(), org.organisation.id, `reminder:${id}`, end, JSON.stringify({ appointmentId: id })],
      );
      return id;
    };
    const old = await appointment(org.team.id, 200); // past the organisation's 180 days
    const keptByTeam = await appointment(secondTeam.id, 201); // this team keeps 400 days
    const recent = await appointment(org.team.id, 10);
    const notification = async (daysAgo: number) => {
      const id = randomUUID();
      await gateway.db.query(
        `INSERT INTO scheduling_notifications (id, org_id, person_id, kind, data, created_at) VALUES ($1, $2, $3, 'test', '{}'::jsonb, $4)`,
        [id, org.organisation.id, org.resident.personId, new Date(now.getTime() - daysAgo * DAY)],
      );
      return id;
    };
    const oldNote = await notification(31);
    const newNote = await notification(2);

    const run = await expectOk<{ appointments: number; notifications: number }>(
      gateway,
      org.admin,
      'POST',
      '/v1/privacy/retention/run',
    );
    expect(run).toMatchObject({ appointments: 1, notifications: 1 });
    const left = await gateway.db.query<{ id: string }>(
      'SELECT id FROM appointments WHERE id = ANY($1::uuid[])',
      [[old, keptByTeam, recent]],
    );
    expect(left.rows.map((row) => row.id).sort()).toEqual([keptByTeam, recent].sort());
    const jobs = await gateway.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM scheduling_jobs WHERE payload->>'appointmentId' = $1`,
      [old],
    );
    expect(jobs.rows[0]!.n).toBe(0);
    const notes = await gateway.db.query<{ id: string }>(
      'SELECT id FROM scheduling_notifications WHERE id = ANY($1::uuid[])',
      [[oldNote, newNote]],
    );
    expect(notes.rows.map((row) => row.id)).toEqual([newNote]);
  });

  it('deletes audit entries older than the audit period, and keeps the newer', async () => {
    await gateway.db.query(
      `INSERT INTO audit_log (org_id, action, at) VALUES ($1, 'test.ancient', $2), ($1, 'test.recent', $3)`,
      [
        org.organisation.id,
        new Date(gateway.now().getTime() - 800 * DAY),
        new Date(gateway.now().getTime() - 100 * DAY),
      ],
    );
    const run = await expectOk<{ auditEntries: number }>(
      gateway,
      org.admin,
      'POST',
      '/v1/privacy/retention/run',
    );
    expect(run.auditEntries).toBe(1);
    const { rows } = await gateway.db.query<{ action: string }>(
      `SELECT action FROM audit_log WHERE org_id = $1 AND action LIKE 'test.%'`,
      [org.organisation.id],
    );
    expect(rows.map((row) => row.action)).toEqual(['test.recent']);
  });

  it.runIf(process.env.DATABASE_URL)(
    'runs on one node at a time: while another holds the lock, a run erases nothing',
    async () => {
      const direct = await openDirect(gateway, org.resident, org.worker.personId);
      await sendPairwise(gateway, org.resident, direct.id);
      await later(8 * DAY);
      const { RetentionService } = await import('../src/privacy/retention-service.ts');
      const service = new RetentionService({ db: gateway.db, clock: () => gateway.now() });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const held = new Promise<void>((resolve) => (locked = resolve));
      const holder = gateway.db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('spreekuur:retention:' || current_schema()))`);
        locked();
        await released;
      });
      await held;
      expect((await service.runOrganisation(org.organisation.id)).messages).toBe(0);
      release();
      await holder;
      expect((await service.runOrganisation(org.organisation.id)).messages).toBe(1);
    },
  );
});
