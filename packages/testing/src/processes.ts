import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * Real processes for tests that must cross a process boundary. For the fault suites: a
 * PostgreSQL cluster and a Redis server of the test's own, on free ports and in temporary
 * directories, that the test may kill, pause and restart without disturbing anyone else on the
 * machine (the shared servers on 5432 and 6379 are never touched); gateway nodes as child
 * processes; and a small TCP proxy that fails over from a dead node to a live one, as a load
 * balancer would. For the CLI and operations suites: the gateway as `pnpm start` runs it (two
 * servers on one DATA_DIR, backup and restore), and the CLI as a person runs it (two terminals
 * on one profile).
 */

const run = promisify(execFile);
export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const repoRoot = repositoryRoot;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
    server.on('error', reject);
  });
}

/** Polls `check` until it holds or the time is up; returns how long it took (ms). */
export async function until(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<number> {
  const started = Date.now();
  for (;;) {
    try {
      if (await check()) return Date.now() - started;
    } catch {
      // not yet
    }
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

interface Child {
  process: ChildProcess;
  exited: Promise<number | null>;
}

function launch(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onLine?: (line: string) => void },
): Child {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let pending = '';
  const collect = (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onLine?.(line);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, exited };
}

async function stopChild(child: Child | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill(signal);
  await child.exited;
}

// ---- PostgreSQL ---------------------------------------------------------------------------

export interface PostgresCluster {
  /** postgres://postgres@127.0.0.1:<port>/faults */
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** Fast shutdown (SIGINT): sessions are ended, the cluster is stopped cleanly. */
  stop(): Promise<void>;
  /** The whole database as SQL text (pg_dump), to search for what must not be there. */
  dump(): Promise<string>;
  /** Stops the cluster and removes its directory. */
  dispose(): Promise<void>;
}

async function postgresBin(name: string): Promise<string> {
  try {
    const { stdout } = await run('pg_config', ['--bindir']);
    return join(stdout.trim(), name);
  } catch {
    return name;
  }
}

/** initdb refuses to run as root: the cluster then belongs to the `postgres` user. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', command, ...args]];
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'spreekuur-faults-pg-'));
  if (process.getuid?.() === 0) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = join(dir, 'data');
  const [initdb, initArgs] = asPostgresUser(await postgresBin('initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  await run(initdb, initArgs);
  const port = await freePort();
  const postgres = await postgresBin('postgres');
  let child: Child | null = null;
  const log: string[] = [];

  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${port}/faults`,
    port,
    async start() {
      const [command, args] = asPostgresUser(postgres, [
        '-D',
        data,
        '-p',
        String(port),
        '-k',
        dir,
        '-c',
        'listen_addresses=127.0.0.1',
        // Throwaway data: no need to wait for the disk (a crash of the server process, not of
        // the machine, loses nothing that was committed either way).
        '-c',
        'fsync=off',
        '-c',
        'max_connections=60',
      ]);
      child = launch(command, args, { onLine: (line) => log.push(line) });
      await until(`PostgreSQL on port ${port} (${log.slice(-3).join(' | ')})`, async () => {
        await run('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(port)]);
        return true;
      });
    },
    async stop() {
      await stopChild(child, 'SIGINT');
      child = null;
    },
    async dump() {
      const { stdout } = await run(
        'pg_dump',
        ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'faults'],
        {
          maxBuffer: 512 * 1024 * 1024,
        },
      );
      return stdout;
    },
    async dispose() {
      await cluster.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  await run('createdb', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', 'faults']);
  return cluster;
}

// ---- Redis ----------------------------------------------------------------------------------

export interface RedisServer {
  readonly url: string;
  readonly port: number;
  start(): Promise<void>;
  /** SIGTERM: Redis exits; nothing is saved, so everything in it is gone at the next start. */
  stop(): Promise<void>;
  /** SIGSTOP: the port still accepts connections but nothing answers (a hung or cut-off server). */
  pause(): void;
  resume(): void;
  /** Every key and value, as the bytes of an uncompressed RDB snapshot, to search. */
  snapshot(): Promise<Buffer>;
  dispose(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const dir = await mkdtemp(join(tmpdir(), 'spreekuur-faults-redis-'));
  const port = await freePort();
  let child: Child | null = null;
  const cli = (...args: string[]) => run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args]);
  const server: RedisServer = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = launch(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          '--dbfilename',
          'snapshot.rdb',
          '--rdbcompression',
          'no',
        ],
        {},
      );
      await until(`Redis on port ${port}`, async () => (await cli('ping')).stdout.trim() === 'PONG');
    },
    async stop() {
      if (child?.process.signalCode === 'SIGSTOP') child.process.kill('SIGCONT');
      await stopChild(child, 'SIGKILL');
      child = null;
    },
    pause() {
      child?.process.kill('SIGSTOP');
    },
    resume() {
      child?.process.kill('SIGCONT');
    },
    async snapshot() {
      await cli('save');
      return readFile(join(dir, 'snapshot.rdb'));
    },
    async dispose() {
      server.resume();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

// ---- Gateway nodes ------------------------------------------------------------------------

export interface GatewayProcess {
  readonly url: string;
  readonly port: number;
  /** Every line the process wrote (pino JSON on stdout, anything on stderr). */
  readonly logs: string[];
  /** Starts the process (again) on the same port and environment; resolves once /healthz answers. */
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  readonly running: boolean;
  /** GET /readyz: its status code. */
  readiness(): Promise<number>;
}

const GATEWAY_MAIN = join(repoRoot, 'services/gateway/src/main.ts');

/**
 * A gateway node as `pnpm start` runs it: node with tsx's loader, so a signal reaches the
 * service itself. `env` is its whole configuration on top of PATH (nothing of the test's
 * environment leaks in, so DATABASE_URL of the run is never used by accident).
 */
export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const port = Number(env.PORT) || (await freePort());
  const logs: string[] = [];
  let child: Child | null = null;
  const url = `http://127.0.0.1:${port}`;
  const node: GatewayProcess = {
    url,
    port,
    logs,
    get running() {
      return Boolean(child && child.process.exitCode === null && child.process.signalCode === null);
    },
    async start() {
      child = launch(process.execPath, ['--import', 'tsx', GATEWAY_MAIN], {
        env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env, PORT: String(port) },
        onLine: (line) => logs.push(line),
      });
      const started = child;
      await until(
        `gateway on port ${port}`,
        async () => {
          if (started.process.exitCode !== null)
            throw new Error(`gateway exited: ${logs.slice(-5).join('\n')}`);
          return (await fetch(`${url}/healthz`)).ok;
        },
        60_000,
        200,
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${logs.slice(-10).join('\n')}`);
      });
    },
    async kill(signal) {
      await stopChild(child, signal);
      child = null;
    },
    async readiness() {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(5_000) });
      await response.body?.cancel();
      return response.status;
    },
  };
  await node.start();
  return node;
}

// ---- A failing-over proxy -----------------------------------------------------------------

export interface FailoverProxy {
  readonly url: string;
  /** Connections (from now on) go to this backend first. */
  prefer(port: number): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of several nodes, as a load balancer with health checks: each new
 * connection goes to the preferred node, or to the next one that accepts when it is down. A
 * connection whose node dies is cut, as it would be for a real client, which then reconnects.
 */
export async function startFailoverProxy(backendPorts: readonly number[]): Promise<FailoverProxy> {
  let order = [...backendPorts];
  const open = new Set<Socket>();
  const connectFirst = (ports: number[]): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const [port, ...rest] = ports;
      if (port === undefined) return reject(new Error('no backend accepts'));
      const upstream = createConnection({ host: '127.0.0.1', port });
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        resolve(upstream);
      });
      upstream.once('error', () => {
        upstream.destroy();
        connectFirst(rest).then(resolve, reject);
      });
    });
  const server: Server = createServer((client) => {
    open.add(client);
    client.pause();
    client.on('error', () => client.destroy());
    client.on('close', () => open.delete(client));
    connectFirst(order).then(
      (upstream) => {
        open.add(upstream);
        upstream.on('error', () => upstream.destroy());
        upstream.on('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    prefer(preferred) {
      order = [preferred, ...backendPorts.filter((p) => p !== preferred)];
    },
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// The gateway and the CLI as a person starts them.

const gatewayMain = fileURLToPath(new URL('../../../services/gateway/src/main.ts', import.meta.url));
const cliMain = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

export interface RunningProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  /** Resolves once stdout contains `text`; rejects after `timeoutMs`. */
  untilOutput: (text: string | RegExp, timeoutMs?: number) => Promise<void>;
}

/** Runs a TypeScript entry point with node and tsx's loader (signals reach the process itself). */
export function runTs(script: string, args: string[], env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repositoryRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const untilOutput = async (text: string | RegExp, timeoutMs = 45_000) => {
    const deadline = Date.now() + timeoutMs;
    const seen = () => (typeof text === 'string' ? stdout.includes(text) : text.test(stdout));
    while (!seen()) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`no "${String(text)}" in output:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { child, stdout: () => stdout, stderr: () => stderr, exited, untilOutput };
}

export const runGatewayProcess = (env: Record<string, string>) => runTs(gatewayMain, [], env);
export const runCliProcess = (args: string[], env: Record<string, string> = {}) =>
  runTs(cliMain, args, { SPREEKUUR_LANG: 'nl', ...env });

/** Waits until `url/healthz` answers. */
export async function untilHealthy(url: string, running: RunningProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (running.child.exitCode !== null) throw new Error(`server exited: ${running.stderr()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server did not become healthy: ${running.stderr()}`);
}

/** SIGTERM, then waits for the exit. */
export async function stop(running: RunningProcess): Promise<number | null> {
  if (running.child.exitCode === null) running.child.kill('SIGTERM');
  return running.exited;
}
