import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** Starting the servers under test as their own processes, and reading their CPU time and memory. */

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

export interface ServerUnderTest {
  name: 'spreekuur' | 'baseline';
  /** One address per node; client process i connects to node i mod n. */
  urls: string[];
  operatorToken: string;
  /** CPU ms used so far by the server process and, on real PostgreSQL, its database backends. */
  cpuMs(): Promise<{ server: number; database: number }>;
  rssMb(): number;
  stop(): Promise<void>;
}

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** utime + stime of a process, in ms (0 once it is gone). */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

function processRssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  });
}

async function untilReady(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('server not ready within 60 s');
}

/**
 * The real gateway (`services/gateway/src/main.ts`), each node a process of its own, on
 * embedded PostgreSQL in a temporary directory or, with `databaseUrl`, on a fresh schema of
 * real PostgreSQL (its connections tagged so their backends' CPU time can be counted). More
 * than one node needs PostgreSQL and Redis: they share the schema and the Redis prefix.
 */
export async function startSpreekuur(options: {
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  nodes?: number;
  env?: Record<string, string>;
}): Promise<ServerUnderTest> {
  const nodes = options.nodes ?? 1;
  if (nodes > 1 && !(options.databaseUrl && options.redisUrl))
    throw new Error('more than one node needs DATABASE_URL and REDIS_URL');
  const dataDir = await mkdtemp(join(tmpdir(), 'spreekuur-load-'));
  const operatorToken = `op_${randomBytes(32).toString('base64url')}`;
  const run = randomBytes(4).toString('hex');
  const applicationName = `spreekuur-load-${run}`;
  const schema = `load_${run}`;
  const databaseUrl = options.databaseUrl
    ? `${options.databaseUrl}${options.databaseUrl.includes('?') ? '&' : '?'}application_name=${applicationName}`
    : undefined;
  // LOAD_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops.
  const profile = process.env.LOAD_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.LOAD_CPU_PROF}`]
    : [];
  const startNode = async (node: number) => {
    const port = await freePort();
    const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'services/gateway/src/main.ts'], {
      cwd: repoRoot,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NODE_ID: `load-${node + 1}`,
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        OPERATOR_TOKEN: operatorToken,
        LOG_LEVEL: 'warn',
        // A load test is many devices from one address, each sending far more than a person would.
        RATE_LIMIT_AUTH_PER_MINUTE: '1000000',
        RATE_LIMIT_DEVICE_PER_MINUTE: '1000000',
        RATE_LIMIT_DEVICE_BURST: '1000000',
        RATE_LIMIT_SOCKET_SENDS_PER_SECOND: '1000000',
        RATE_LIMIT_SOCKET_EVENTS_PER_SECOND: '1000000',
        RATE_LIMIT_SOCKET_CONNECTS_PER_MINUTE: '1000000',
        ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_SCHEMA: schema } : { DATABASE_URL: '' }),
        ...(options.redisUrl
          ? { REDIS_URL: options.redisUrl, REDIS_PREFIX: `load-${run}` }
          : { REDIS_URL: '' }),
        ...options.env,
      },
    });
    const url = `http://127.0.0.1:${port}`;
    await untilReady(url, child);
    return { child, url };
  };
  // One after the other: the first migrates the schema.
  const started: Array<{ child: ChildProcess; url: string }> = [];
  for (let node = 0; node < nodes; node++) started.push(await startNode(node));
  const children = started.map((node) => node.child);
  const pool = databaseUrl ? new pg.Pool({ connectionString: options.databaseUrl, max: 1 }) : null;
  // The pool's connections come and go: remember every backend's CPU time as last seen, so one
  // that closed between two readings still counts (sampled twice a second to lose little).
  const backendCpu = new Map<number, number>();
  const sampleBackends = async () => {
    if (!pool) return;
    const { rows } = await pool.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    for (const { pid } of rows) backendCpu.set(pid, Math.max(backendCpu.get(pid) ?? 0, processCpuMs(pid)));
  };
  const sampler = pool ? setInterval(() => void sampleBackends().catch(() => undefined), 500) : undefined;
  return {
    name: 'spreekuur',
    urls: started.map((node) => node.url),
    operatorToken,
    async cpuMs() {
      await sampleBackends();
      return {
        server: children.reduce((sum, child) => sum + processCpuMs(child.pid!), 0),
        database: [...backendCpu.values()].reduce((sum, ms) => sum + ms, 0),
      };
    },
    rssMb: () => children.reduce((sum, child) => sum + processRssMb(child.pid!), 0),
    async stop() {
      clearInterval(sampler);
      await Promise.all(children.map(stopProcess));
      if (pool) {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
        await pool.end();
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The bare socket.io relay (baseline-server.ts) in a process of its own. */
export async function startBaseline(): Promise<ServerUnderTest> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL('./baseline-server.ts', import.meta.url))],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n')[0];
      if (output.includes('\n') && line) resolve((JSON.parse(line) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`baseline exited with ${code}`)));
  });
  return {
    name: 'baseline',
    urls: [`http://127.0.0.1:${port}`],
    operatorToken: '',
    cpuMs: async () => ({ server: processCpuMs(child.pid!), database: 0 }),
    rssMb: () => processRssMb(child.pid!),
    stop: () => stopProcess(child),
  };
}
