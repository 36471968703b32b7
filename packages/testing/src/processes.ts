import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * Real processes for tests that must cross a process boundary: the gateway as `pnpm start`
 * runs it (two servers on one DATA_DIR, backup and restore), and the CLI as a person runs it
 * (two terminals on one profile).
 */

export const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
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

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

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
