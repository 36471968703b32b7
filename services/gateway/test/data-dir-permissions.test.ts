import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedDatabase, createPostgresDatabase } from '@spreekuur/db';

/**
 * Issue 15, finding 3: 968 of 1,124 files under DATA_DIR/postgres were world-writable (0666)
 * and the directories 0755. The server process makes what it creates private (umask 077)
 * and fixes what an earlier version left open, saying so in one warning.
 */
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const embedded = !process.env.DATABASE_URL;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Runs the gateway until it is healthy, stops it with SIGTERM and returns what it logged. */
async function runOnce(env: Record<string, string>): Promise<string> {
  const port = String(await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    env: { PATH: process.env.PATH ?? '', ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 450) throw new Error(`gateway did not become healthy: ${output}`);
      const healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
  return output;
}

/** Every path under `root` (itself included) whose mode lets group or others in. */
async function notPrivate(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (path: string) => {
    const entry = await lstat(path);
    if (entry.mode & 0o077)
      found.push(`${path.slice(root.length) || '/'} ${(entry.mode & 0o777).toString(8)}`);
    if (entry.isDirectory()) for (const name of await readdir(path)) await visit(join(path, name));
  };
  await visit(root);
  return found;
}

const warnings = (output: string) => output.split('\n').filter((line) => line.includes('made them private'));

describe('DATA_DIR permissions of the server process', () => {
  let base: string;
  const schema = `test_${randomBytes(6).toString('hex')}`;
  let backendEnv: Record<string, string>;
  beforeAll(async () => {
    base = await mkdtemp(join(tmpdir(), 'spreekuur-datadir-'));
    backendEnv = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...(embedded ? {} : { DATABASE_URL: process.env.DATABASE_URL!, DATABASE_SCHEMA: schema }),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `test-${schema}` } : {}),
    };
  });
  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
    if (!embedded) {
      const admin = createPostgresDatabase({ url: process.env.DATABASE_URL!, maxConnections: 1 });
      await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.close();
    }
  });

  it('a fresh DATA_DIR is created 0700, with the operator token and database files 0600', async () => {
    const dataDir = join(base, 'fresh');
    const output = await runOnce({ ...backendEnv, DATA_DIR: dataDir });
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'operator-token'))).mode & 0o777).toBe(0o600);
    expect(await notPrivate(dataDir)).toEqual([]);
    expect(warnings(output)).toEqual([]);
    // A restart finds nothing to fix either.
    expect(warnings(await runOnce({ ...backendEnv, DATA_DIR: dataDir }))).toEqual([]);
    expect(await notPrivate(dataDir)).toEqual([]);
  }, 240_000);

  it('what an earlier version left open to others is made private, with one warning', async () => {
    const dataDir = join(base, 'old');
    await mkdir(dataDir, { mode: 0o777 });
    await chmod(dataDir, 0o777);
    await writeFile(join(dataDir, 'operator-token'), `op_${randomBytes(32).toString('base64url')}\n`);
    await chmod(join(dataDir, 'operator-token'), 0o666);
    let expected = 2;
    if (embedded) {
      const postgres = join(dataDir, 'postgres');
      await (await createEmbeddedDatabase({ dataDir: postgres })).close();
      const entries = await readdir(postgres, { withFileTypes: true, recursive: true });
      for (const entry of entries) {
        await chmod(join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o666);
      }
      await chmod(postgres, 0o755);
      expected += entries.length + 1;
    }
    // Something else kept in DATA_DIR is not Spreekuur's to change.
    await writeFile(join(dataDir, 'README.txt'), 'not ours');
    await chmod(join(dataDir, 'README.txt'), 0o644);

    const output = await runOnce({ ...backendEnv, DATA_DIR: dataDir });
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dataDir, 'operator-token'))).mode & 0o777).toBe(0o600);
    expect(await notPrivate(dataDir)).toEqual(['/README.txt 644']);
    const lines = warnings(output);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, fixed: expected });
  }, 240_000);
});
