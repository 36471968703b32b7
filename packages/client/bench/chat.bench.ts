/**
 * Chat throughput and latency with real SDK clients against a real gateway.
 *   pnpm bench            (embedded PostgreSQL, and real PostgreSQL if reachable)
 * Prints, for 1:1 conversations and a group of 50: messages per second sustained and
 * p50/p99 send-to-receive latency. Server and clients share this machine's cores, so the
 * figures are a floor for what the server alone can do.
 */
import { cpus } from 'node:os';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import type { SpreekuurClient } from '../src/index.ts';
import { sdkPerson } from '../test/sdk-fixtures.ts';

const PAIRS = Number(process.env.BENCH_PAIRS ?? 10);
const MESSAGES_PER_SENDER = Number(process.env.BENCH_MESSAGES ?? 50);
const GROUP_SIZE = Number(process.env.BENCH_GROUP ?? 50);
const GROUP_SENDERS = Number(process.env.BENCH_GROUP_SENDERS ?? 5);
const GROUP_MESSAGES = Number(process.env.BENCH_GROUP_MESSAGES ?? 20);

interface Result {
  scenario: string;
  messages: number;
  deliveries: number;
  seconds: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN;

async function people(
  gateway: TestGateway,
  slug: string,
  count: number,
  isWorker: (index: number) => boolean,
) {
  const org = await seedOrganisation(gateway, slug);
  const clients: SpreekuurClient[] = [];
  for (let i = 0; i < count; i++) {
    const role = isWorker(i) ? 'worker' : 'resident';
    const inviter = role === 'worker' ? org.admin : org.worker;
    clients.push(await sdkPerson(gateway, inviter, org.team.id, `Bench ${i}`, { role }));
  }
  return clients;
}

/** Sends from every sender in parallel (each in order) and waits until every recipient has everything. */
/** Lets every client finish processing what is in flight (sessions set up by the warm-up). */
async function settle(clients: SpreekuurClient[]) {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  await Promise.all(clients.map((client) => client.settled()));
}

const log = (text: string) => process.stderr.write(`[bench] ${text}\n`);

async function run(
  scenario: string,
  senders: Array<{ client: SpreekuurClient; channelId: string }>,
  recipients: SpreekuurClient[],
  perSender: number,
  /** Deliveries to wait for, not counting a sender's echo of its own messages. */
  expected: number,
): Promise<Result> {
  const latencies: number[] = [];
  let deliveries = 0;
  let resolveAll: () => void = () => undefined;
  const allDelivered = new Promise<void>((resolve) => (resolveAll = resolve));
  const offs = recipients.map((client) =>
    client.on('message', (message) => {
      if (message.own || message.content?.type !== 'text' || !message.content.text.startsWith('bench:'))
        return;
      latencies.push(performance.now() - Number(message.content.text.split(':')[2]));
      if (++deliveries === expected) resolveAll();
    }),
  );
  // Warm-up messages carry another marker so late ones are never counted as measured.
  const marker = expected === 0 ? 'warmup' : 'bench';
  log(`${scenario}: sending`);
  const started = performance.now();
  await Promise.all(
    senders.map(async ({ client, channelId }, index) => {
      for (let i = 0; i < perSender; i++)
        await client.sendText(channelId, `${marker}:${index}.${i}:${performance.now()}`);
    }),
  );
  log(`${scenario}: sent, waiting for ${expected} deliveries`);
  if (expected > 0) await allDelivered;
  const seconds = (performance.now() - started) / 1000;
  offs.forEach((off) => off());
  latencies.sort((a, b) => a - b);
  return {
    scenario,
    messages: senders.length * perSender,
    deliveries,
    seconds,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
  };
}

async function benchBackend(label: string, env: Record<string, string | undefined>): Promise<Result[]> {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL };
  Object.assign(process.env, env);
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete process.env[key];
  const gateway = await startGateway({ env: { LOG_LEVEL: 'warn' } });
  Object.assign(process.env, saved);
  const results: Result[] = [];
  try {
    // 1:1: PAIRS worker–resident conversations, both sides sending at once.
    const pairClients = await people(gateway, `bench-pairs-${label}`, PAIRS * 2, (i) => i % 2 === 0);
    const senders: Array<{ client: SpreekuurClient; channelId: string }> = [];
    for (let i = 0; i < PAIRS; i++) {
      const [a, b] = [pairClients[2 * i]!, pairClients[2 * i + 1]!];
      const channel = await a.openDirect(b.account.personId);
      senders.push({ client: a, channelId: channel.id }, { client: b, channelId: channel.id });
    }
    // Warm-up: the first messages set up sessions (PQXDH) and are not what we measure.
    await run('warm-up', senders, [], 1, 0);
    await settle(pairClients);
    // Each person receives what the other in their conversation sends.
    results.push(
      await run(
        `1:1, ${PAIRS} conversations`,
        senders,
        pairClients,
        MESSAGES_PER_SENDER,
        pairClients.length * MESSAGES_PER_SENDER,
      ),
    );

    const groupClients = await people(gateway, `bench-group-${label}`, GROUP_SIZE, (i) => i < GROUP_SENDERS);
    const group = await groupClients[0]!.createGroup(
      'bench',
      groupClients.slice(1).map((c) => c.account.personId),
    );
    const groupSenders = groupClients
      .slice(0, GROUP_SENDERS)
      .map((client) => ({ client, channelId: group.id }));
    await run('warm-up', groupSenders, [], 1, 0);
    await settle(groupClients);
    // Everyone receives every group message except their own.
    const groupExpected = GROUP_SIZE * GROUP_SENDERS * GROUP_MESSAGES - GROUP_SENDERS * GROUP_MESSAGES;
    results.push(
      await run(
        `group of ${GROUP_SIZE}, ${GROUP_SENDERS} senders`,
        groupSenders,
        groupClients,
        GROUP_MESSAGES,
        groupExpected,
      ),
    );
    for (const client of [...pairClients, ...groupClients]) await client.close();
  } finally {
    await gateway.close();
  }
  return results.map((result) => ({ ...result, scenario: `${label}: ${result.scenario}` }));
}

async function postgresReachable(url: string): Promise<boolean> {
  const { createPostgresDatabase } = await import('@spreekuur/db');
  const db = createPostgresDatabase({ url, maxConnections: 1 });
  try {
    await db.ping();
    return true;
  } catch {
    return false;
  } finally {
    await db.close();
  }
}

const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const all: Result[] = [];
all.push(...(await benchBackend('embedded', { DATABASE_URL: undefined, REDIS_URL: undefined })));
if (await postgresReachable(postgresUrl))
  all.push(...(await benchBackend('postgres', { DATABASE_URL: postgresUrl, REDIS_URL: undefined })));
else console.log(`(real PostgreSQL not reachable at ${postgresUrl}; skipped)`);

console.log(
  `\nChat benchmark — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; server and clients in one process\n`,
);
console.log('| scenario | messages | deliveries | messages/s | deliveries/s | p50 ms | p99 ms |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of all) {
  console.log(
    `| ${r.scenario} | ${r.messages} | ${r.deliveries} | ${(r.messages / r.seconds).toFixed(0)} | ${(r.deliveries / r.seconds).toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} |`,
  );
}
process.exit(0);
