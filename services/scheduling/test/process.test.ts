import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '@spreekuur/db';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the scheduling service on its own', () => {
  // Redis fan-out is exercised by the gateway suites; this one leaves no keys behind. A child
  // process migrating a fresh embedded database can take a while on a busy machine: generous limits.
  it('starts from main.ts, serves its API, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'spreekuur-scheduling-'));
    const schema = `test_${randomBytes(6).toString('hex')}`;
    // node with tsx's loader, not the tsx CLI: the signal goes straight to the service (the CLI
    // relays it and force-kills a child that does not confirm within 30 ms, which a busy machine can miss).
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        ...(process.env.DATABASE_URL
          ? { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: schema }
          : {}),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 60_000;
      let status = 0;
      while (Date.now() < deadline && status === 0) {
        status = await fetch(`http://127.0.0.1:${port}/v1/scheduling/settings`).then(
          (response) => response.status,
          () => 0,
        );
        if (status === 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status, stderr).toBe(401);
      const feed = await fetch(`http://127.0.0.1:${port}/v1/calendar/feed.ics?token=cal_${'A'.repeat(43)}`);
      expect(feed.status).toBe(404);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
      if (process.env.DATABASE_URL) {
        const admin = createPostgresDatabase({ url: process.env.DATABASE_URL, maxConnections: 1 });
        await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.close());
      }
    }
  }, 90_000);
});
