import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEmbeddedDatabase,
  createPostgresDatabase,
  loadMigrations,
  migrate,
  type Database,
} from '@spreekuur/db';

/**
 * Migration 0004 gives invites their creating device. Invites made before it learn theirs
 * from the audit log, and pending ones of devices revoked earlier are voided at once.
 */
const url = process.env.DATABASE_URL;
const schema = url ? `test_${randomBytes(6).toString('hex')}` : 'public';
let db: Database;

beforeAll(async () => {
  db = url ? createPostgresDatabase({ url, schema, maxConnections: 2 }) : await createEmbeddedDatabase();
});
afterAll(async () => {
  await db.close();
  if (url) {
    const admin = createPostgresDatabase({ url, maxConnections: 1 });
    try {
      await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await admin.close();
    }
  }
});

describe('migration 0004_invite_creator_device', () => {
  it('backfills the creating device from the audit log and voids pending invites of revoked devices', async () => {
    const migrations = await loadMigrations();
    const upTo = migrations.findIndex((migration) => migration.name === 'invite_creator_device');
    expect(upTo).toBeGreaterThan(0);
    await migrate(db, migrations.slice(0, upTo), schema);

    const [org, person, phone, stolen] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await db.query(`INSERT INTO organisations (id, name, slug) VALUES ($1, 'Org', 'migratie')`, [org]);
    await db.query(`INSERT INTO people (id, org_id, role, display_name) VALUES ($1, $2, 'worker', 'W')`, [
      person,
      org,
    ]);
    for (const [device, revoked] of [
      [phone, null],
      [stolen, new Date()],
    ] as const) {
      await db.query(
        `INSERT INTO devices (id, org_id, person_id, name, identity_key, revoked_at) VALUES ($1, $2, $3, 'D', $4, $5)`,
        [device, org, person, randomBytes(32), revoked],
      );
    }
    const invite = async (
      kind: 'person' | 'device',
      createdBy: string | null,
      device: string | null,
      action: string,
    ) => {
      const id = randomUUID();
      await db.query(
        `INSERT INTO invites (id, org_id, code_hash, kind, role, person_id, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, now() + interval '1 day')`,
        [
          id,
          org,
          randomBytes(32),
          kind,
          kind === 'person' ? 'resident' : null,
          kind === 'device' ? person : null,
          createdBy,
        ],
      );
      await db.query(
        `INSERT INTO audit_log (org_id, actor_person_id, actor_device_id, action, subject_type, subject_id)
         VALUES ($1, $2, $3, $4, 'invite', $5)`,
        [org, createdBy, device, action, id],
      );
      return id;
    };
    const fromPhone = await invite('person', person, phone, 'invite.created');
    const fromStolen = await invite('person', person, stolen, 'invite.created');
    const linkFromStolen = await invite('device', person, stolen, 'device.link_created');
    const byOperator = await invite('person', null, null, 'organisation.admin_invite_created');

    await migrate(db, migrations, schema);

    const { rows } = await db.query<{
      id: string;
      created_by_device: string | null;
      revoked_at: Date | null;
    }>('SELECT id, created_by_device, revoked_at FROM invites');
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(fromPhone)).toMatchObject({ created_by_device: phone, revoked_at: null });
    expect(byId.get(fromStolen)?.created_by_device).toBe(stolen);
    expect(byId.get(fromStolen)?.revoked_at).not.toBeNull();
    expect(byId.get(linkFromStolen)?.created_by_device).toBe(stolen);
    expect(byId.get(linkFromStolen)?.revoked_at).not.toBeNull();
    expect(byId.get(byOperator)).toMatchObject({ created_by_device: null, revoked_at: null });
  });
});
