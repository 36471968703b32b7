/**
 * What moderation costs on the send path, through the chat app (app.inject, no sockets):
 *   pnpm --filter @spreekuur/chat bench:moderation        (embedded PostgreSQL)
 *   DATABASE_URL=… REDIS_URL=… pnpm --filter @spreekuur/chat bench:moderation
 * Prints the mean and p95 time of one stored group message for: a moderator (no moderation
 * lookup), a member (one lookup for mute and slow mode), a member with a franking commitment
 * (plus the tagged insert), and a member under slow mode (plus one upsert; the clock is moved
 * past the period between sends). Sequential sends: latency, not throughput.
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { channelDevices, opaque, publishKeys } from '@spreekuur/testing/chat';
import { api } from '@spreekuur/testing/http';
import { seedOrganisation, seedPerson } from '@spreekuur/testing/identity';
import { startChat, type Person, type TestChat } from '../test/fixtures.ts';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 300);

const commitment = () =>
  createHmac('sha512', randomBytes(32))
    .update(randomBytes(64))
    .digest()
    .subarray(0, 32)
    .toString('base64url');

async function timeSends(
  chat: TestChat,
  actor: Person,
  channelId: string,
  options: { franked?: boolean; advanceMs?: number },
) {
  const recipientDeviceIds = await channelDevices(chat, actor, channelId);
  const times: number[] = [];
  for (let i = 0; i < MESSAGES; i++) {
    if (options.advanceMs) chat.advanceClock(options.advanceMs);
    const started = performance.now();
    const response = await api(chat, actor, 'POST', '/v1/messages', {
      channelId,
      clientId: randomUUID(),
      kind: 'group',
      ciphertext: opaque(200),
      recipientDeviceIds,
      ...(options.franked ? { frankingCommitment: commitment() } : {}),
    });
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`send failed: ${response.text}`);
  }
  // The first sends warm up caches and plans; measure the rest.
  const measured = times.slice(Math.floor(MESSAGES / 10)).sort((a, b) => a - b);
  const mean = measured.reduce((sum, t) => sum + t, 0) / measured.length;
  return { mean, p95: measured[Math.floor(measured.length * 0.95)]! };
}

const chat = await startChat({ RATE_LIMIT_DEVICE_PER_MINUTE: '1000000', RATE_LIMIT_DEVICE_BURST: '1000000' });
try {
  const org = await seedOrganisation(chat, 'bench-moderation');
  const members: Person[] = [];
  for (let i = 0; i < 8; i++)
    members.push(
      await seedPerson(chat, {
        orgId: org.organisation.id,
        role: 'resident',
        name: `Lid ${i}`,
        teamId: org.team.id,
      }),
    );
  for (const person of [org.worker, ...members]) await publishKeys(chat, person);
  const group = (
    await api<{ id: string }>(chat, org.worker, 'POST', '/v1/channels/groups', {
      name: 'Bench',
      memberIds: members.map((member) => member.personId),
    })
  ).body.id;
  const member = members[0]!;
  const rows: Array<[string, { mean: number; p95: number }]> = [];
  rows.push(['moderator (no lookup)', await timeSends(chat, org.worker, group, {})]);
  rows.push(['member (mute/slow-mode lookup)', await timeSends(chat, member, group, {})]);
  rows.push(['member, franked', await timeSends(chat, member, group, { franked: true })]);
  await api(chat, org.worker, 'PUT', `/v1/channels/${group}/moderation/slow-mode`, { seconds: 1 });
  rows.push([
    'member, franked, slow mode',
    await timeSends(chat, members[1]!, group, { franked: true, advanceMs: 1_100 }),
  ]);
  const backend = process.env.DATABASE_URL ? 'PostgreSQL' : 'embedded PostgreSQL';
  console.log(
    `moderation on the send path, ${backend}, group of ${members.length + 1}, ${MESSAGES} sends each`,
  );
  for (const [name, { mean, p95 }] of rows)
    console.log(`${name.padEnd(34)} mean ${mean.toFixed(2)} ms   p95 ${p95.toFixed(2)} ms`);
} finally {
  await chat.close();
}
