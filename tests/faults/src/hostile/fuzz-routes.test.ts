import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { seedOrganisation, startGateway, type TestGateway } from '@spreekuur/gateway/testing';
import type { EndpointDefinition } from '@spreekuur/protocol/endpoint';
import { errorCatalog } from '@spreekuur/protocol/errors';
import { catalogue, routeKey } from './catalogue.ts';
import { hostileJson, hostileRequestParts, hostileString } from './generators.ts';
import { databaseFingerprint } from './snapshot.ts';

/**
 * Every REST route of the protocol's catalogue, fed malformed requests generated from its
 * own schemas (fast-check): authenticated and not, wrong content types, odd Unicode, path
 * traversal in ids, huge and deeply nested bodies. Every answer is < 500, has the error body
 * of the catalogue (its code, with the catalogue's status), says nothing internal, and the
 * database is exactly as it was. FUZZ_RUNS sets the requests per route (CI: 1000).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/** Tables that change on any authenticated request by design: none so far. */
const VOLATILE: string[] = [];
const INTERNAL =
  /\bat [^\s]+ \(|:\d+:\d+\)|node_modules|\/work\/|\bSELECT\b|\bINSERT\b|violates|ZodError|TypeError|ReferenceError|stack/;

let gateway: TestGateway;
let org: Awaited<ReturnType<typeof seedOrganisation>>;
const endpoints = await catalogue();

beforeAll(async () => {
  gateway = await startGateway({
    env: {
      RATE_LIMIT_DEVICE_PER_MINUTE: '100000000',
      RATE_LIMIT_DEVICE_BURST: '10000000',
      LOG_LEVEL: 'warn',
    },
  });
  org = await seedOrganisation(gateway, 'fuzz');
});
afterAll(() => gateway?.close());

interface Outcome {
  status: number;
  text: string;
  contentType: string;
}

function problem(endpoint: EndpointDefinition, request: unknown, outcome: Outcome): string | null {
  const where = `${routeKey(endpoint)} ${JSON.stringify(request).slice(0, 300)} → ${outcome.status} ${outcome.text.slice(0, 300)}`;
  if (outcome.status >= 500) return `5xx: ${where}`;
  if (INTERNAL.test(outcome.text)) return `internal detail in body: ${where}`;
  if (outcome.status < 400) return `accepted a malformed request: ${where}`;
  if (!outcome.contentType.includes('json')) return `error without a JSON body: ${where}`;
  const body = JSON.parse(outcome.text) as { error?: { code?: string; message?: string } };
  const code = body.error?.code as keyof typeof errorCatalog | undefined;
  if (!code || !(code in errorCatalog)) return `error code not in the catalogue: ${where}`;
  if (errorCatalog[code].status !== outcome.status) return `status differs from the catalogue: ${where}`;
  if (typeof body.error?.message !== 'string') return `error without a message: ${where}`;
  return null;
}

const invalid = (schema: z.ZodType | undefined, value: unknown) =>
  Boolean(schema && !schema.safeParse(value).success);

describe('every REST route, fuzzed with malformed requests', () => {
  // Health checks, the API documentation, /metrics (behind METRICS_TOKEN, its own suite) and the
  // web app's pages (`GET /`, `GET /*`: static files, services/gateway/test/web-app.test.ts) are
  // the platform's, not endpoints of the protocol.
  it('the catalogue covers every route the gateway serves (so every route is fuzzed)', () => {
    const served = new Set(gateway.app.routeCatalog.map((r) => `${r.method} ${r.url}`));
    const declared = new Set(endpoints.map((e) => routeKey(e.endpoint)));
    const undeclared = [...served].filter(
      (route) =>
        !declared.has(route) &&
        !/ \/(healthz|readyz|docs|openapi|metrics)/.test(route) &&
        !route.startsWith('OPTIONS') &&
        route !== 'GET /' &&
        route !== 'GET /*',
    );
    expect(undeclared).toEqual([]);
    expect([...declared].filter((route) => !served.has(route))).toEqual([]);
  });

  it(
    `${RUNS} malformed requests per route: never a 5xx, always the catalogue's error, nothing changed`,
    async () => {
      const before = await databaseFingerprint(gateway.db, VOLATILE);
      const problems: string[] = [];
      let sent = 0;
      for (const { endpoint } of endpoints) {
        await fc.assert(
          fc.asyncProperty(hostileRequestParts(endpoint), async (parts) => {
            // A request with a real token must be malformed somewhere, or it may rightly change something.
            const malformed =
              invalid(endpoint.params, parts.params) ||
              invalid(endpoint.query, parts.query) ||
              (endpoint.body !== undefined && parts.body.kind !== 'json') ||
              (endpoint.body !== undefined &&
                parts.body.kind === 'json' &&
                invalid(endpoint.body, parts.body.value));
            const auth = malformed ? parts.auth : parts.auth === 'valid' ? 'garbage' : parts.auth;
            const headers: Record<string, string> = {};
            if (auth === 'valid') {
              if (endpoint.access === 'operator') headers['x-operator-token'] = gateway.operatorToken;
              else headers.authorization = `Bearer ${org.worker.token}`;
            } else if (auth === 'garbage') {
              headers.authorization = `Bearer ${parts.garbageToken}`;
              headers['x-operator-token'] = parts.garbageToken;
            }
            if (parts.body.kind !== 'none') headers['content-type'] = parts.body.contentType;
            const response = await gateway.app.inject({
              method: endpoint.method,
              url: parts.url,
              headers,
              ...(parts.body.kind === 'none'
                ? {}
                : {
                    payload: parts.body.kind === 'json' ? JSON.stringify(parts.body.value) : parts.body.raw,
                  }),
            });
            sent++;
            // `..` segments are resolved before routing, as a browser does: a path that climbs out
            // of the API is a page of the web app, which answers with its index, not an endpoint.
            const leftTheApi = !new URL(parts.url, 'http://x').pathname.startsWith('/v1/');
            if (leftTheApi && String(response.headers['content-type']).startsWith('text/html')) return;
            const found = problem(
              endpoint,
              { ...parts, auth },
              {
                status: response.statusCode,
                text: response.body,
                contentType: String(response.headers['content-type'] ?? ''),
              },
            );
            if (found && problems.length < 20) problems.push(found);
          }),
          { numRuns: RUNS },
        );
      }
      console.log(
        `[faults] fuzz: ${sent} malformed requests over ${endpoints.length} routes, ${problems.length} problems`,
      );
      expect(problems).toEqual([]);
      expect(await databaseFingerprint(gateway.db, VOLATILE)).toEqual(before);
      expect((await gateway.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    },
    Math.max(600_000, RUNS * 1_500),
  );
});

describe('hand-made hostile bodies', () => {
  const post = (url: string, payload: string, contentType = 'application/json', token = org.worker.token) =>
    gateway.app.inject({
      method: 'POST',
      url,
      headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      payload,
    });
  const codeOf = (response: { body: string }) =>
    (JSON.parse(response.body) as { error: { code: string } }).error.code;

  it('refuses an oversized body (413), deep nesting, broken JSON and huge arrays (400), without a stack', async () => {
    const before = await databaseFingerprint(gateway.db, VOLATILE);
    const big = await post('/v1/channels/groups', JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) }));
    expect([big.statusCode, codeOf(big)]).toEqual([413, 'ERR_PAYLOAD_TOO_LARGE']);
    const deep = await post('/v1/channels/groups', `${'['.repeat(200_000)}${']'.repeat(200_000)}`);
    expect(deep.statusCode).toBe(400);
    const deepObject = await post('/v1/channels/groups', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`);
    expect(deepObject.statusCode).toBe(400);
    const broken = await post('/v1/channels/groups', '{"name": "Groep", ');
    expect([broken.statusCode, codeOf(broken)]).toEqual([400, 'ERR_BAD_REQUEST']);
    const huge = await post(
      '/v1/channels/groups',
      JSON.stringify({
        name: 'Groep',
        memberIds: Array.from({ length: 20_000 }, () => org.resident.personId),
      }),
    );
    expect([huge.statusCode, codeOf(huge)]).toEqual([400, 'ERR_BAD_REQUEST']);
    const xml = await post('/v1/channels/groups', '<group><name>Groep</name></group>', 'application/xml');
    expect(xml.statusCode).toBeLessThan(500);
    expect(xml.statusCode).toBeGreaterThanOrEqual(400);
    const polluted = await post(
      '/v1/invites',
      '{"role":"resident","__proto__":{"role":"admin"},"constructor":{}}',
    );
    expect(polluted.statusCode).toBe(400);
    for (const response of [big, deep, deepObject, broken, huge, xml, polluted])
      expect(response.body).not.toMatch(INTERNAL);
    expect(await databaseFingerprint(gateway.db, VOLATILE)).toEqual(before);
  });

  it('NUL bytes and broken surrogates in otherwise valid text are refused or stored, never a 5xx', async () => {
    const texts = [
      '\u0000',
      'Groep\u0000naam',
      '\ud800',
      'a\udfffb',
      '\u202egnitrats\u202c',
      'ﷺ'.repeat(40),
      '𝕊𝕡𝕣𝕖𝕖𝕜',
    ];
    for (const name of texts) {
      for (const [url, body] of [
        ['/v1/channels/groups', { name, memberIds: [] }],
        ['/v1/teams', { name }],
      ] as const) {
        const token = url === '/v1/teams' ? org.admin.token : org.worker.token;
        const response = await post(url, JSON.stringify(body), 'application/json', token);
        expect(response.statusCode, `${url} ${JSON.stringify(name)}: ${response.body}`).toBeLessThan(500);
        expect(response.body).not.toMatch(INTERNAL);
      }
    }
  });

  it('generated values never crash the JSON body parser', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileJson, hostileString), async (value) => {
        const response = await post(
          '/v1/channels/groups',
          typeof value === 'string' ? value : JSON.stringify(value),
        );
        expect(response.statusCode).toBeLessThan(500);
      }),
      { numRuns: Math.min(RUNS, 300) },
    );
  });
});
