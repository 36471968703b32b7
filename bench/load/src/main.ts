/**
 * `pnpm bench:load`: drives a Spreekuur gateway and a bare socket.io relay (the baseline)
 * with the same client processes, one after the other on this machine, and prints one JSON
 * line per run and a table with the ratios Spreekuur / baseline.
 *
 * Settings (environment):
 *   LOAD_BACKEND     embedded (default) or postgres (uses DATABASE_URL, and REDIS_URL if set)
 *   LOAD_SCENARIOS   comma list of 1to1, 1to1-open, group (default all three)
 *   LOAD_OPEN_RATE   total msg/s of the open-loop 1:1 scenario (default 1000)
 *   LOAD_CLIENTS     client processes (default 2)
 *   LOAD_PAIRS       1:1 conversations, both sides sending (default 50)
 *   LOAD_WINDOW      unacknowledged messages per sender (default 4)
 *   LOAD_GROUP       group size (default 50), LOAD_GROUP_SENDERS (default 5)
 *   LOAD_GROUP_WINDOW unacknowledged messages per group sender (default 4)
 *   LOAD_SECONDS     length of each measured run (default 10), LOAD_WARMUP_SECONDS (default 3)
 *   LOAD_RUNS        measured runs per scenario and target (default 2)
 *   LOAD_TARGETS     comma list of spreekuur, baseline (default both)
 *   LOAD_NODES       Spreekuur nodes (default 1; 2 needs LOAD_BACKEND=postgres and REDIS_URL). With
 *                    2 nodes and 2 client processes every 1:1 message crosses from one node to the other.
 *   LOAD_CPU_PROF    a directory: the Spreekuur server writes a V8 CPU profile there
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { merge, newHistogram, percentile, total } from './histogram.ts';
import { startBaseline, startSpreekuur, type ServerUnderTest } from './servers.ts';
import { setUpCast, type Actor, type Cast } from './setup.ts';
import type { DevicePlan, FromClient, Ledger, PhaseResult, RunSpec, ToClient } from './wire.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  backend: process.env.LOAD_BACKEND === 'postgres' ? ('postgres' as const) : ('embedded' as const),
  scenarios: (process.env.LOAD_SCENARIOS ?? '1to1,1to1-open,group').split(','),
  openRate: env('LOAD_OPEN_RATE', 1000),
  targets: (process.env.LOAD_TARGETS ?? 'baseline,spreekuur').split(','),
  clients: env('LOAD_CLIENTS', 2),
  pairs: env('LOAD_PAIRS', 50),
  window: env('LOAD_WINDOW', 4),
  groupSize: env('LOAD_GROUP', 50),
  groupSenders: env('LOAD_GROUP_SENDERS', 5),
  groupWindow: env('LOAD_GROUP_WINDOW', 4),
  seconds: env('LOAD_SECONDS', 10),
  warmupSeconds: env('LOAD_WARMUP_SECONDS', 3),
  runs: env('LOAD_RUNS', 2),
  nodes: env('LOAD_NODES', 1),
};

const log = (text: string) => process.stderr.write(`[load] ${text}\n`);

interface Scenario {
  name: '1to1' | '1to1-open' | 'group';
  /** Every device of the scenario, with what it sends. */
  devices: DevicePlan[];
  /** channel → its member devices (who must receive what is sent there). */
  channels: Map<string, string[]>;
  window: number;
  /** Open loop: messages per second per sender. */
  ratePerSender?: number;
  ciphertextBytes: number;
}

function scenarios(cast: Cast): Scenario[] {
  const plan = (actor: Actor, sends?: DevicePlan['sends']): DevicePlan => ({
    deviceId: actor.deviceId,
    token: actor.token,
    ...(sends ? { sends } : {}),
  });
  const oneToOne: Scenario = {
    name: '1to1',
    devices: cast.pairs.flatMap(({ channelId, a, b }) => [
      plan(a, { channelId, kind: 'pairwise', recipients: [b.deviceId] }),
      plan(b, { channelId, kind: 'pairwise', recipients: [a.deviceId] }),
    ]),
    channels: new Map(cast.pairs.map(({ channelId, a, b }) => [channelId, [a.deviceId, b.deviceId]])),
    window: settings.window,
    ciphertextBytes: 200,
  };
  const group: Scenario = {
    name: 'group',
    devices: cast.groups.flatMap(({ channelId, members }) =>
      members.map((member, index) =>
        plan(
          member,
          index < settings.groupSenders
            ? {
                channelId,
                kind: 'group',
                recipients: members.filter((other) => other !== member).map((other) => other.deviceId),
              }
            : undefined,
        ),
      ),
    ),
    channels: new Map(
      cast.groups.map(({ channelId, members }) => [channelId, members.map((m) => m.deviceId)]),
    ),
    window: settings.groupWindow,
    ciphertextBytes: 300,
  };
  const openLoop: Scenario = {
    ...oneToOne,
    name: '1to1-open',
    ratePerSender: settings.openRate / oneToOne.devices.length,
  };
  return [oneToOne, openLoop, group].filter((scenario) => settings.scenarios.includes(scenario.name));
}

/** The same shape of cast for the baseline, which has no API: made-up ids, no tokens. */
function syntheticCast(): Cast {
  const actor = (): Actor => ({ personId: randomUUID(), deviceId: randomUUID(), token: 'baseline' });
  return {
    pairs: Array.from({ length: settings.pairs }, () => ({
      channelId: randomUUID(),
      a: actor(),
      b: actor(),
    })),
    groups: settings.scenarios.includes('group')
      ? [{ channelId: randomUUID(), members: Array.from({ length: settings.groupSize }, actor) }]
      : [],
  };
}

class ClientProcess {
  private readonly child: ChildProcess;
  private readonly waiting: Array<(message: FromClient) => void> = [];

  constructor() {
    this.child = fork(fileURLToPath(new URL('./client.ts', import.meta.url)), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (message: FromClient) => this.waiting.shift()?.(message));
  }

  ask<T extends FromClient['type']>(message: ToClient): Promise<Extract<FromClient, { type: T }>> {
    return new Promise((resolve) => {
      this.waiting.push((answer) => resolve(answer as Extract<FromClient, { type: T }>));
      this.child.send(message);
    });
  }

  exit(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'exit' } satisfies ToClient);
    });
  }
}

interface RunFigures {
  target: string;
  backend: string;
  scenario: string;
  run: number;
  load: string;
  messages: number;
  failed: number;
  errors: Record<string, number>;
  msgPerSec: number;
  deliveriesPerSec: number;
  p50: number;
  p99: number;
  p999: number;
  ackP99: number;
  serverCpuPct: number;
  databaseCpuPct: number;
  /** Server (and database backend) CPU ms per 1,000 messages. */
  cpuMsPer1kMessages: number;
  serverRssMb: number;
  clientCpuPct: number;
  lost?: number;
  duplicated?: number;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Lost: acked, but never pushed to a member device; duplicated: pushed to a device more than once. */
function audit(ledgers: Ledger[], channels: Map<string, string[]>): { lost: number; duplicated: number } {
  const seen = new Map<string, Map<number, number>>();
  for (const ledger of ledgers) {
    for (const [deviceId, perChannel] of Object.entries(ledger.received)) {
      for (const [channelId, seqs] of Object.entries(perChannel)) {
        const key = `${deviceId} ${channelId}`;
        const counts = seen.get(key) ?? new Map<number, number>();
        seen.set(key, counts);
        for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
      }
    }
  }
  let lost = 0;
  let duplicated = 0;
  for (const [, counts] of seen) for (const n of counts.values()) if (n > 1) duplicated += n - 1;
  for (const ledger of ledgers) {
    for (const [channelId, bySender] of Object.entries(ledger.acked)) {
      for (const [senderId, seqs] of Object.entries(bySender)) {
        for (const deviceId of channels.get(channelId) ?? []) {
          if (deviceId === senderId) continue;
          const counts = seen.get(`${deviceId} ${channelId}`);
          for (const seq of seqs) if (!counts?.get(seq)) lost++;
        }
      }
    }
  }
  return { lost, duplicated };
}

async function runScenario(server: ServerUnderTest, scenario: Scenario): Promise<RunFigures[]> {
  const clients = Array.from({ length: settings.clients }, () => new ClientProcess());
  const shares: DevicePlan[][] = clients.map(() => []);
  scenario.devices.forEach((device, index) => shares[index % clients.length]!.push(device));
  const connected = await Promise.all(
    clients.map((client, index) =>
      client.ask<'connected'>({
        type: 'connect',
        url: server.urls[index % server.urls.length]!,
        devices: shares[index]!,
      }),
    ),
  );
  const failures = connected.reduce((sum, answer) => sum + answer.failures, 0);
  if (failures > 0) throw new Error(`${failures} sockets could not connect to ${server.name}`);
  log(`${server.name} ${scenario.name}: ${scenario.devices.length} sockets in ${clients.length} processes`);

  const figures: RunFigures[] = [];
  for (let phase = 1; phase <= settings.runs + 1; phase++) {
    const warmup = phase === 1;
    const spec: RunSpec = {
      phase,
      durationMs: (warmup ? settings.warmupSeconds : settings.seconds) * 1000,
      window: scenario.window,
      ciphertextBytes: scenario.ciphertextBytes,
      ...(scenario.ratePerSender ? { ratePerSender: scenario.ratePerSender } : {}),
    };
    const load = loadavg()
      .map((n) => n.toFixed(2))
      .join(' ');
    const cpuBefore = await server.cpuMs();
    const results = (
      await Promise.all(clients.map((client) => client.ask<'phase'>({ type: 'run', spec })))
    ).map((answer) => answer.result);
    const cpuAfter = await server.cpuMs();
    if (warmup) continue;
    figures.push(summarise(server, scenario, phase - 1, load, results, cpuBefore, cpuAfter));
  }
  const ledgers = (await Promise.all(clients.map((client) => client.ask<'ledger'>({ type: 'report' })))).map(
    (answer) => answer.ledger,
  );
  Object.assign(figures.at(-1)!, audit(ledgers, scenario.channels));
  await Promise.all(clients.map((client) => client.exit()));
  return figures;
}

function summarise(
  server: ServerUnderTest,
  scenario: Scenario,
  run: number,
  load: string,
  results: PhaseResult[],
  cpuBefore: { server: number; database: number },
  cpuAfter: { server: number; database: number },
): RunFigures {
  const start = Math.min(...results.map((r) => r.firstSend));
  const lastAck = Math.max(...results.map((r) => r.lastAck));
  const lastDelivery = Math.max(...results.map((r) => r.lastDelivery));
  const latencies = newHistogram();
  const acks = newHistogram();
  const errors: Record<string, number> = {};
  for (const result of results) {
    merge(latencies, result.latencies);
    merge(acks, result.ackLatencies);
    for (const [code, n] of Object.entries(result.errors)) errors[code] = (errors[code] ?? 0) + n;
  }
  const messages = results.reduce((sum, r) => sum + r.acked, 0);
  const seconds = (Math.max(lastAck, lastDelivery) - start) / 1000;
  const serverMs = cpuAfter.server - cpuBefore.server;
  const databaseMs = cpuAfter.database - cpuBefore.database;
  return {
    target: server.name,
    backend:
      server.name === 'baseline'
        ? 'memory'
        : `${settings.backend}${server.urls.length > 1 ? `, ${server.urls.length} nodes` : ''}`,
    scenario: scenario.name,
    run,
    load,
    messages,
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    errors,
    msgPerSec: Math.round(messages / ((lastAck - start) / 1000)),
    deliveriesPerSec: Math.round(total(latencies) / ((lastDelivery - start) / 1000)),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    p999: percentile(latencies, 0.999),
    ackP99: percentile(acks, 0.99),
    serverCpuPct: round((serverMs / 10 / seconds) * 1, 0),
    databaseCpuPct: round(databaseMs / 10 / seconds, 0),
    cpuMsPer1kMessages: round(((serverMs + databaseMs) / messages) * 1000),
    serverRssMb: Math.round(server.rssMb()),
    clientCpuPct: round(results.reduce((sum, r) => sum + r.clientCpuMs, 0) / 10 / seconds, 0),
  };
}

function table(all: RunFigures[]): string {
  const baseline = (figures: RunFigures) =>
    all.find((b) => b.target === 'baseline' && b.scenario === figures.scenario && b.run === figures.run);
  const rows = all.map((f) => {
    const base = f.target === 'baseline' ? undefined : baseline(f);
    // Throughput as a share of the baseline's; for the open loop (same rate) the latency multiple.
    const ratio = !base
      ? ''
      : f.scenario === '1to1-open'
        ? `p99 ${round(f.p99 / base.p99, 1)}×`
        : `${round((f.scenario === 'group' ? f.deliveriesPerSec / base.deliveriesPerSec : f.msgPerSec / base.msgPerSec) * 100, 0)} %`;
    return [
      `${f.target} (${f.backend})`,
      `${f.scenario} #${f.run}`,
      String(f.msgPerSec),
      String(f.deliveriesPerSec),
      ratio,
      `${f.p50} / ${f.p99} / ${f.p999}`,
      String(f.ackP99),
      `${f.serverCpuPct} + ${f.databaseCpuPct}`,
      String(f.cpuMsPer1kMessages),
      String(f.serverRssMb),
      String(f.clientCpuPct),
      f.lost === undefined ? '' : `${f.lost} / ${f.duplicated}`,
      String(f.failed),
      f.load,
    ];
  });
  const head = [
    'target',
    'scenario',
    'msg/s',
    'deliv/s',
    'vs base',
    'p50/p99/p99.9 ms',
    'ack p99',
    'srv+db CPU %',
    'CPU ms/1k msg',
    'RSS MB',
    'client CPU %',
    'lost/dup',
    'failed',
    'load avg',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  log(
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, backend ${settings.backend}, ${settings.clients} client processes`,
  );
  const all: RunFigures[] = [];
  for (const target of settings.targets) {
    const server =
      target === 'baseline'
        ? await startBaseline()
        : await startSpreekuur({
            databaseUrl: settings.backend === 'postgres' ? process.env.DATABASE_URL : undefined,
            redisUrl: settings.backend === 'postgres' ? process.env.REDIS_URL : undefined,
            nodes: settings.nodes,
          });
    try {
      const cast =
        target === 'baseline'
          ? syntheticCast()
          : await setUpCast(server.urls[0]!, server.operatorToken, {
              pairs: settings.pairs,
              groups: settings.scenarios.includes('group') ? 1 : 0,
              groupSize: settings.groupSize,
            });
      for (const scenario of scenarios(cast)) {
        for (const figures of await runScenario(server, scenario)) {
          process.stdout.write(`${JSON.stringify(figures)}\n`);
          all.push(figures);
        }
      }
    } finally {
      await server.stop();
    }
  }
  process.stdout.write(`\n${table(all)}\n`);
}

await main();
