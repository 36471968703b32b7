import { randomBytes } from 'node:crypto';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startTestApp, type TestApp } from '@spreekuur/testing/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';

type Gateway = Awaited<ReturnType<typeof buildApp>>;

/** A stand-in build: what `vite build` writes, small enough to read in a test. */
async function fakeBuild(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'spreekuur-web-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><title>Spreekuur</title><div id="app"></div>');
  const script = 'console.log("app");'.repeat(100);
  await writeFile(join(dir, 'assets', 'index-AbC123.js'), script);
  await writeFile(join(dir, 'assets', 'index-AbC123.js.gz'), gzipSync(script));
  await writeFile(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  return dir;
}

async function gateway(distDir: string, env: Record<string, string> = {}): Promise<TestApp<Gateway>> {
  const operatorToken = `op_${randomBytes(32).toString('base64url')}`;
  return startTestApp({ build: (deps) => buildApp({ ...deps, operatorToken, webDistDir: distDir }), env });
}

describe('web app and security headers', () => {
  let dist: string;
  let http: TestApp<Gateway>;
  beforeAll(async () => {
    dist = await fakeBuild();
    http = await gateway(dist);
  });
  afterAll(async () => {
    await http.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves index.html at / and for app pages, never cached', async () => {
    for (const url of ['/', '/join', '/gesprek/abc?x=1']) {
      const response = await http.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.headers['cache-control']).toBe('no-cache');
      expect(response.body).toContain('<div id="app">');
    }
  });

  it('serves hashed assets for a year, precompressed when the browser accepts gzip', async () => {
    const response = await http.app.inject({
      method: 'GET',
      url: '/assets/index-AbC123.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers['content-encoding']).toBe('gzip');
    const worker = await http.app.inject({ method: 'GET', url: '/sw.js' });
    expect(worker.headers['cache-control']).toBe('no-cache');
  });

  it('does not serve what is not in the build, and leaves API paths to the API', async () => {
    for (const url of ['/assets/missing-1.js', '/../package.json', '/%2e%2e/package.json', '/x.env']) {
      const response = await http.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
    }
    // A malformed escape is refused by fastify itself, before any route.
    const malformed = await http.app.inject({ method: 'GET', url: '/%E0%A4%A' });
    expect(malformed.statusCode).toBe(400);
    const api = await http.app.inject({ method: 'GET', url: '/v1/no-such-thing' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toMatchObject({ error: { code: 'ERR_NOT_FOUND' } });
  });

  it('sends strict headers on the app, the API and errors alike', async () => {
    const answers = await Promise.all(
      ['/', '/healthz', '/v1/me', '/v1/no-such-thing'].map((url) => http.app.inject({ method: 'GET', url })),
    );
    for (const response of answers) {
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
      expect(csp).not.toMatch(/'unsafe-inline'|'unsafe-eval'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      // Plain http (localhost): no HSTS, which would pin a development host to https.
      expect(response.headers['strict-transport-security']).toBeUndefined();
    }
  });

  // Starts a gateway of its own (embedded PostgreSQL): slow on a busy machine.
  it('sends HSTS and upgrades requests when PUBLIC_URL is https', { timeout: 60_000 }, async () => {
    const secure = await gateway(dist, { PUBLIC_URL: 'https://spreekuur.example.nl' });
    try {
      const response = await secure.app.inject({ method: 'GET', url: '/' });
      expect(response.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
      expect(response.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    } finally {
      await secure.close();
    }
  });

  it(
    'without a build, pages say how to build the app and the API still works',
    { timeout: 60_000 },
    async () => {
      const empty = await mkdtemp(join(tmpdir(), 'spreekuur-web-none-'));
      const bare = await gateway(empty);
      try {
        const page = await bare.app.inject({ method: 'GET', url: '/' });
        expect(page.statusCode).toBe(503);
        expect(page.body).toContain('pnpm --filter @spreekuur/web build');
        const health = await bare.app.inject({ method: 'GET', url: '/healthz' });
        expect(health.statusCode).toBe(200);
      } finally {
        await bare.close();
        await rm(empty, { recursive: true, force: true });
      }
    },
  );
});
