/**
 * `pnpm bench:load`: drives a Spreekuur gateway and a bare socket.io relay (the baseline)
 * with the same client processes, one after the other on this machine, and prints one JSON
 * line per run and a table with the ratios Spreekuur / baseline.
 *
 * Settings (environment):
 *   LOAD_BACKEND     embedded (default) or postgres (uses DATABASE_URL, and REDIS_URL if set)
 *   LOAD_SCENARIOS   comma list of 1to1, 1to1-open, group, soak (default all four; soak is the
 *                    connection soak followed by the reconnect storm)
 *   LOAD_OPEN_RATE   total msg/s of the open-loop 1:1 scenario (default 1000)
 *   LOAD_CLIENTS     client processes (default 2)
 *   LOAD_PAIRS       1:1 conversations, both sides sending (default 50)
 *   LOAD_WINDOW      unacknowledged messages per sender (default 4)
 *   LOAD_GROUP       group size (default 50), LOAD_GROUP_SENDERS (default 5)
 *   LOAD_GROUP_WINDOW unacknowledged messages per group sender (default 4)
 *   LOAD_SECONDS     length of each measured run (default 10), LOAD_WARMUP_SECONDS (default 3)
 *   LOAD_RUNS        measured runs per scenario and target (default 3)
 *   LOAD_SOAK_SOCKETS idle authenticated sockets of the soak and storm (default 5000; 20000 for the
 *                    issue's target — the script raises its open-file limit when it may)
 *   LOAD_SOAK_DEVICES devices holding them (default sockets / 5: a phone and some tabs each, the
 *                    server's default MAX_SOCKETS_PER_DEVICE), LOAD_SOAK_GROUP (default 50)
 *   LOAD_TARGETS     comma list of spreekuur, baseline (default both)
 *   LOAD_NODES       Spreekuur nodes (default 1; 2 needs LOAD_BACKEND=postgres and REDIS_URL). With
 *                    2 nodes and 2 client processes every 1:1 message crosses from one node to the other.
 *   LOAD_CPU_PROF    a directory: the Spreekuur server writes a V8 CPU profile there
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { merge, newHistogram, percentile, total } from './histogram.ts';
import { startBaseline, startSpreekuur, type ServerUnderTest } from './servers.ts';
import { sendOverHttp, setUpCast, setUpSoakCast, type Actor, type Cast, type SoakCast } from './setup.ts';
import type {
  DevicePlan,
  FromClient,
  Ledger,
  PhaseResult,
  RunSpec,
  SoakPlan,
  StormResult,
  ToClient,
} from './wire.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const settings = {
  backend: process.env.LOAD_BACKEND === 'postgres' ? ('postgres' as const) : ('embedded' as const),
  scenarios: (process.env.LOAD_SCENARIOS ?? '1to1,1to1-open,group,soak').split(','),
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
  runs: env('LOAD_RUNS', 3),
  nodes: env('LOAD_NODES', 1),
  soakSockets: env('LOAD_SOAK_SOCKETS', 5000),
  soakDevices: env('LOAD_SOAK_DEVICES', Math.ceil(env('LOAD_SOAK_SOCKETS', 5000) / 5)),
  soakGroup: env('LOAD_SOAK_GROUP', 50),
};
const socketsPerDevice = Math.ceil(settings.soakSockets / settings.soakDevices);

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

const backendName = (server: ServerUnderTest) =>
  server.name === 'baseline'
    ? 'memory'
    : `${settings.backend}${server.urls.length > 1 ? `, ${server.urls.length} nodes` : ''}`;

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
    backend: backendName(server),
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

interface SoakFigures {
  target: string;
  backend: string;
  run: number;
  load: string;
  sockets: number;
  devices: number;
  connected: number;
  connectSeconds: number;
  connectErrors: Record<string, number>;
  /**
   * Server RSS before the soak's sockets connected, and with all of them idle for 5 s (the
   * garbage collector runs when it likes, so the difference is no per-socket figure).
   */
  rssBeforeMb: number;
  rssMb: number;
  /** Reconnect storm: from "all come back" to the last socket caught up. */
  stormSeconds: number;
  caughtUp: number;
  fetched: number;
  stormErrors: Record<string, number>;
  stormCpuMs: number;
  clientCpuMs: number;
  /** Load average at the end of the storm. */
  loadAfter: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const loadNow = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/** Raises this process's open-file limit (its children inherit it) for the soak's sockets. */
function raiseFileLimit(wanted: number): void {
  try {
    execFileSync('prlimit', [`--pid=${process.pid}`, `--nofile=${wanted}:${wanted}`], { stdio: 'ignore' });
    log(`open-file limit raised to ${wanted}`);
  } catch {
    log(`could not raise the open-file limit to ${wanted} (ulimit -n); the soak may fail above it`);
  }
}

/**
 * The connection soak and the reconnect storm, `settings.runs` times: every soak device opens
 * its sockets (each syncs once, as the SDK does on connect); with all idle the server's RSS is
 * read; then they all drop, each group gets a message while they are away, and they all come
 * back at once, each syncing and fetching what it missed (Spreekuur; the baseline has nothing
 * to catch up with, so there the storm is the reconnects alone).
 */
async function runSoak(server: ServerUnderTest, cast: SoakCast | null): Promise<SoakFigures[]> {
  const devices: SoakPlan[] = cast
    ? cast.devices.map((actor) => ({
        deviceId: actor.deviceId,
        token: actor.token,
        sockets: socketsPerDevice,
      }))
    : Array.from({ length: settings.soakDevices }, () => ({
        deviceId: randomUUID(),
        token: 'baseline',
        sockets: socketsPerDevice,
      }));
  // Only as many sockets as asked for: the last devices may hold fewer.
  let left = settings.soakSockets;
  for (const device of devices) {
    device.sockets = Math.min(device.sockets, left);
    left -= device.sockets;
  }
  const clients = Array.from({ length: settings.clients }, () => new ClientProcess());
  const shares: SoakPlan[][] = clients.map(() => []);
  devices.forEach((device, index) => shares[index % clients.length]!.push(device));
  const figures: SoakFigures[] = [];
  for (let run = 1; run <= settings.runs; run++) {
    const load = loadNow();
    await sleep(2_000);
    const rssBeforeMb = server.rssMb();
    const connectStart = Date.now();
    const soaked = await Promise.all(
      clients.map((client, index) =>
        client.ask<'soaked'>({
          type: 'soak',
          url: server.urls[index % server.urls.length]!,
          devices: shares[index]!,
          catchUp: cast !== null,
        }),
      ),
    );
    const connectSeconds = (Date.now() - connectStart) / 1000;
    const connected = soaked.reduce((sum, answer) => sum + answer.connected, 0);
    const connectErrors: Record<string, number> = {};
    for (const answer of soaked)
      for (const [code, n] of Object.entries(answer.errors))
        connectErrors[code] = (connectErrors[code] ?? 0) + n;
    log(`${server.name} soak #${run}: ${connected} sockets connected in ${connectSeconds.toFixed(1)} s`);
    await sleep(5_000);
    const rssMb = server.rssMb();
    log(`${server.name} soak #${run}: server RSS ${Math.round(rssBeforeMb)} → ${Math.round(rssMb)} MB`);
    await Promise.all(clients.map((client) => client.ask<'dropped'>({ type: 'drop' })));
    await sleep(2_000);
    if (cast) {
      const stamp = `${Date.now().toString(36)}${run}`;
      await Promise.all(
        cast.groups.map((group, g) =>
          sendOverHttp(server.urls[0]!, group.members[0]!, group, `storm${stamp}x${g}`),
        ),
      );
    }
    const cpuBefore = await server.cpuMs();
    const stormStart = performance.timeOrigin + performance.now();
    const stormed: StormResult[] = (
      await Promise.all(clients.map((client) => client.ask<'stormed'>({ type: 'storm' })))
    ).map((answer) => answer.result);
    const cpuAfter = await server.cpuMs();
    const stormErrors: Record<string, number> = {};
    for (const result of stormed)
      for (const [code, n] of Object.entries(result.errors)) stormErrors[code] = (stormErrors[code] ?? 0) + n;
    const lastCaughtUp = Math.max(...stormed.map((result) => result.lastCaughtUp));
    figures.push({
      target: server.name,
      backend: backendName(server),
      run,
      load,
      sockets: settings.soakSockets,
      devices: devices.length,
      connected,
      connectSeconds: round(connectSeconds),
      connectErrors,
      rssBeforeMb: Math.round(rssBeforeMb),
      rssMb: Math.round(rssMb),
      stormSeconds: lastCaughtUp > 0 ? round((lastCaughtUp - stormStart) / 1000, 2) : NaN,
      caughtUp: stormed.reduce((sum, result) => sum + result.caughtUp, 0),
      fetched: stormed.reduce((sum, result) => sum + result.fetched, 0),
      stormErrors,
      stormCpuMs: Math.round(cpuAfter.server - cpuBefore.server + cpuAfter.database - cpuBefore.database),
      clientCpuMs: Math.round(stormed.reduce((sum, result) => sum + result.clientCpuMs, 0)),
      loadAfter: loadNow(),
    });
    await Promise.all(clients.map((client) => client.ask<'closed'>({ type: 'close-soak' })));
  }
  await Promise.all(clients.map((client) => client.exit()));
  return figures;
}

const errorText = (errors: Record<string, number>) =>
  Object.entries(errors)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ') || '0';

function soakTable(all: SoakFigures[]): string {
  const rows = all.map((f) => [
    `${f.target} (${f.backend})`,
    `soak #${f.run}`,
    `${f.connected} / ${f.sockets} (${f.devices} devices)`,
    String(f.connectSeconds),
    errorText(f.connectErrors),
    `${f.rssBeforeMb} → ${f.rssMb}`,
    String(f.stormSeconds),
    `${f.caughtUp} / ${f.connected}`,
    String(f.fetched),
    errorText(f.stormErrors),
    String(f.stormCpuMs),
    `${f.load} → ${f.loadAfter}`,
  ]);
  const head = [
    'target',
    'run',
    'sockets',
    'connect s',
    'connect errors',
    'RSS MB',
    'storm s',
    'caught up',
    'fetched',
    'storm errors',
    'storm CPU ms',
    'load avg',
  ];
  return formatTable(head, rows);
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
  return formatTable(head, rows);
}

function formatTable(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  log(
    `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, backend ${settings.backend}, ${settings.clients} client processes`,
  );
  const soaking = settings.scenarios.includes('soak');
  // The server holds every soak socket; each client process its share (and a pipe or two each).
  if (soaking) raiseFileLimit(Math.max(20_000, settings.soakSockets * 2 + 4_096));
  const messaging = settings.scenarios.some((name) => name !== 'soak');
  const all: RunFigures[] = [];
  const soaks: SoakFigures[] = [];
  for (const target of settings.targets) {
    const server =
      target === 'baseline'
        ? await startBaseline()
        : await startSpreekuur({
            databaseUrl: settings.backend === 'postgres' ? process.env.DATABASE_URL : undefined,
            redisUrl: settings.backend === 'postgres' ? process.env.REDIS_URL : undefined,
            nodes: settings.nodes,
            env: { MAX_SOCKETS_PER_DEVICE: String(Math.max(5, socketsPerDevice)) },
          });
    try {
      if (messaging) {
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
      }
      if (soaking) {
        const started = Date.now();
        const cast =
          target === 'baseline'
            ? null
            : await setUpSoakCast(server.urls[0]!, server.operatorToken, {
                devices: settings.soakDevices,
                groupSize: settings.soakGroup,
              });
        if (cast)
          log(
            `soak cast of ${cast.devices.length} devices set up in ${((Date.now() - started) / 1000).toFixed(0)} s`,
          );
        for (const figures of await runSoak(server, cast)) {
          process.stdout.write(`${JSON.stringify(figures)}\n`);
          soaks.push(figures);
        }
      }
    } finally {
      await server.stop();
    }
  }
  if (all.length > 0) process.stdout.write(`\n${table(all)}\n`);
  if (soaks.length > 0) process.stdout.write(`\n${soakTable(soaks)}\n`);
}

await main();
