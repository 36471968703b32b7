import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '@spreekuur/db';
import { fromBase64Url, toBase64Url } from '@spreekuur/protocol/common';
import { inviteCode, loginPayload, registrationPayload } from '@spreekuur/protocol/identity';
import { newIdentity, signWith } from './harness.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function run(env: Record<string, string>): Running {
  // node with tsx's loader, as `pnpm start` does: the signal reaches the service itself
  // (the tsx CLI would relay it and kill the process 30 ms later).
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: fileURLToPath(new URL('../../..', import.meta.url)),
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, url: `http://127.0.0.1:${env.PORT}`, stderr: () => stderr, exited };
}

async function untilHealthy(running: Running, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${running.url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`gateway did not become healthy: ${running.stderr()}`);
}

const post = async <T>(url: string, body: unknown, headers: Record<string, string> = {}): Promise<T> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
};

describe('the gateway process', () => {
  let dataDir: string;
  const schema = `test_${randomBytes(6).toString('hex')}`;
  let backendEnv: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'spreekuur-gateway-'));
    backendEnv = {
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...(process.env.DATABASE_URL
        ? { DATABASE_URL: process.env.DATABASE_URL, DATABASE_SCHEMA: schema }
        : {}),
      ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL, REDIS_PREFIX: `test-${schema}` } : {}),
    };
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
    if (process.env.DATABASE_URL) {
      const admin = createPostgresDatabase({ url: process.env.DATABASE_URL, maxConnections: 1 });
      await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.close();
    }
  });

  it('stops at start-up with one clear line when the configuration is wrong', async () => {
    const running = run({ PORT: 'eighty', DATABASE_URL: 'mysql://nope', DATA_DIR: dataDir });
    expect(await running.exited).toBe(78);
    const lines = running.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^spreekuur: Invalid configuration: .*PORT: .*"eighty".*DATABASE_URL: must be a postgres:\/\/ URL/,
    );
    expect(running.stderr()).not.toMatch(/\n\s+at /);
  });

  it('serves, shuts down gracefully on SIGTERM with a socket open, and keeps its data across a restart', async () => {
    const port = String(await freePort());
    const first = run({ ...backendEnv, PORT: port });
    await untilHealthy(first);
    expect(await (await fetch(`${first.url}/readyz`)).json()).toMatchObject({
      status: 'ready',
      checks: { database: 'ok' },
    });

    const operatorToken = (await readFile(join(dataDir, 'operator-token'), 'utf8')).trim();
    const { adminInvite } = await post<{ adminInvite: { code: string } }>(
      `${first.url}/v1/operator/organisations`,
      { name: 'Welzijn Oost', slug: 'welzijn-oost' },
      { 'x-operator-token': operatorToken },
    );
    const identity = newIdentity();
    const registered = await post<{ deviceId: string }>(`${first.url}/v1/auth/register`, {
      inviteCode: adminInvite.code,
      identityKey: toBase64Url(identity.identityKey),
      deviceName: 'Laptop',
      displayName: 'Beheerder',
      proof: signWith(
        identity.privateKey,
        registrationPayload(inviteCode.parse(adminInvite.code), identity.identityKey),
      ),
    });
    const signIn = async (url: string) => {
      const challenge = await post<{ challengeId: string; nonce: string }>(`${url}/v1/auth/challenge`, {
        deviceId: registered.deviceId,
      });
      return post<{ accessToken: string }>(`${url}/v1/auth/login`, {
        deviceId: registered.deviceId,
        challengeId: challenge.challengeId,
        signature: signWith(
          identity.privateKey,
          loginPayload(challenge.challengeId, registered.deviceId, fromBase64Url(challenge.nonce)),
        ),
      });
    };
    const { accessToken } = await signIn(first.url);
    const socket = io(first.url, {
      auth: { token: accessToken },
      transports: ['websocket'],
      reconnection: false,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const socketClosed = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

    const stoppingAt = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await socketClosed;
    // The deadline is 10 s; a clean shutdown needs far less.
    expect(Date.now() - stoppingAt).toBeLessThan(10_000);

    const second = run({ ...backendEnv, PORT: port });
    try {
      await untilHealthy(second);
      const organisations = await fetch(`${second.url}/v1/operator/organisations`, {
        headers: { 'x-operator-token': operatorToken },
      });
      expect(
        ((await organisations.json()) as { organisations: Array<{ slug: string }> }).organisations.map(
          (o) => o.slug,
        ),
      ).toEqual(['welzijn-oost']);
      // The registered device still signs in: people, devices and keys survived the restart.
      await expect(signIn(second.url)).resolves.toMatchObject({
        accessToken: expect.stringMatching(/^sk_/) as unknown,
      });
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 90_000);
});
