import { randomBytes } from 'node:crypto';
import { openDirect, publishKeys } from '@spreekuur/testing/chat';
import { seedOrganisation, startGateway } from '../test/harness.ts';

/**
 * What the retention job costs: `tsx services/gateway/bench/retention.bench.ts` (embedded
 * PostgreSQL), or with DATABASE_URL for real PostgreSQL. Seeds messages a year and a half old
 * (one pairwise copy each for two devices, 200 bytes of ciphertext) and files, then runs the
 * job once and prints how fast it erased them.
 */
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const FILES = 200;

const gateway = await startGateway();
try {
  const org = await seedOrganisation(gateway, 'bench-retention');
  for (const actor of [org.worker, org.resident]) await publishKeys(gateway, actor);
  const channel = await openDirect(gateway, org.worker, org.resident.personId);
  const old = new Date(gateway.now().getTime() - 540 * 24 * 60 * 60 * 1000);
  const started = Number(
    (
      await gateway.db.query<{ last_seq: number }>('SELECT last_seq FROM channels WHERE id = $1', [
        channel.id,
      ])
    ).rows[0]!.last_seq,
  );
  for (let from = 0; from < MESSAGES; from += 1_000) {
    const count = Math.min(1_000, MESSAGES - from);
    const base = started + from;
    await gateway.db.query(
      `INSERT INTO channel_events (channel_id, seq, org_id, kind, sender_person_id, sender_device_id, client_id, envelope_kind, created_at)
       SELECT $1, $2 + g, $3, 'message', $4, $5, 'bench-' || ($2 + g), 'pairwise', $6 FROM generate_series(1, $7) g`,
      [channel.id, base, org.organisation.id, org.worker.personId, org.worker.deviceId, old, count],
    );
    for (const device of [org.resident.deviceId, org.worker.deviceId]) {
      await gateway.db.query(
        `INSERT INTO channel_event_payloads (channel_id, seq, recipient_device_id, ciphertext)
         SELECT $1, $2 + g, $3, $4 FROM generate_series(1, $5) g`,
        [channel.id, base, device, randomBytes(200), count],
      );
    }
  }
  await gateway.db.query('UPDATE channels SET last_seq = $2 WHERE id = $1', [channel.id, started + MESSAGES]);
  await gateway.db.query(
    `INSERT INTO files (id, org_id, channel_id, uploader_person_id, uploader_device_id, size, chunk_size, chunk_count, completed_at, created_at)
     SELECT gen_random_uuid(), $1, $2, $3, $4, 1000, 1000, 1, $5, $5 FROM generate_series(1, $6)`,
    [org.organisation.id, channel.id, org.worker.personId, org.worker.deviceId, old, FILES],
  );
  await gateway.db.query(
    `INSERT INTO blob_chunks (blob_id, chunk_index, data) SELECT id, 0, $2 FROM files WHERE org_id = $1`,
    [org.organisation.id, randomBytes(1000)],
  );

  const t0 = process.hrtime.bigint();
  const run = await gateway.app.privacy.retention.runOrganisation(org.organisation.id);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(
    `${gateway.db.kind.padEnd(9)} erased ${run.messages} messages (${run.messages * 2} pairwise copies) and ${run.files} files ` +
      `in ${seconds.toFixed(2)} s: ${Math.round(run.messages / seconds)} messages/s`,
  );
} finally {
  await gateway.close();
}
