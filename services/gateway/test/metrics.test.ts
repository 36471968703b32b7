import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDirect, pairwiseEnvelope, publishKeys, sendPairwise } from '@spreekuur/testing/chat';
import { connect, emitWithAck, waitFor } from '@spreekuur/testing/socket';
import { ALWAYS_OPEN } from '@spreekuur/testing/scheduling';
import { expectOk, seedOrganisation, startGateway, type TestGateway } from './harness.ts';

/** `GET /metrics`: answers in the Prometheus text format, only with the token, and counts. */

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789abcdef';
let gateway: TestGateway;
beforeAll(async () => {
  gateway = await startGateway({ env: { METRICS_TOKEN } });
});
afterAll(() => gateway.close());

const scrape = async (token = METRICS_TOKEN) =>
  fetch(`${gateway.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });

/** The samples of a scrape: `name{labels} value` lines, parsed. */
function parse(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a Prometheus sample: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

const sum = (samples: ReturnType<typeof parse>, name: string, labels: Record<string, string> = {}) =>
  samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);

describe('GET /metrics', () => {
  it('refuses a scrape without the right token and keeps the token out of sight', async () => {
    expect((await fetch(`${gateway.url}/metrics`)).status).toBe(401);
    expect((await scrape('wrong-token-wrong-token-wrong-token-00')).status).toBe(401);
    const openapi = await (await fetch(`${gateway.url}/docs/json`)).text();
    expect(openapi).not.toContain('/metrics');
  });

  it('counts requests by route and status, sockets, socket events and stored and delivered messages', async () => {
    const before = parse(await (await scrape()).text());
    const org = await seedOrganisation(gateway, 'metrics');
    await publishKeys(gateway, org.worker);
    await publishKeys(gateway, org.resident);
    const channel = await openDirect(gateway, org.worker, org.resident.personId);
    await sendPairwise(gateway, org.worker, channel.id);
    const missing = await fetch(`${gateway.url}/v1/channels/00000000-0000-4000-8000-000000000000`, {
      headers: { authorization: `Bearer ${org.worker.token}` },
    });
    expect(missing.status).toBeGreaterThanOrEqual(400);

    // A resident waiting in the team's queue shows up in the queue gauges (team id only).
    await expectOk(
      gateway,
      org.worker,
      'PUT',
      `/v1/scheduling/teams/${org.team.id}/office-hours`,
      ALWAYS_OPEN,
    );
    await expectOk(gateway, org.resident, 'POST', `/v1/scheduling/teams/${org.team.id}/queue`, {}, 201);

    const resident = connect(gateway, org.resident.token);
    await waitFor(resident, 'connect');
    const worker = connect(gateway, org.worker.token);
    await waitFor(worker, 'connect');
    const delivered = waitFor(resident, 'chat:event');
    const ack = await emitWithAck(
      worker,
      'chat:send',
      await pairwiseEnvelope(gateway, org.worker, channel.id),
    );
    expect(ack.ok).toBe(true);
    await delivered;
    // Errors of the Redis client and of clients duplicated from it (the adapter's) are counted.
    const redis = gateway.app.redis;
    if (redis) {
      redis.emit('error', new Error('test: connection reset'));
      const copy = redis.duplicate({ lazyConnect: true });
      copy.emit('error', new Error('test: subscriber lost'));
      copy.disconnect();
    }

    const response = await scrape();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const after = parse(await response.text());
    const delta = (name: string, labels: Record<string, string> = {}) =>
      sum(after, name, labels) - sum(before, name, labels);

    expect(
      delta('spreekuur_http_requests_total', { route: '/v1/messages', method: 'POST', status: '200' }),
    ).toBe(1);
    expect(
      delta('spreekuur_http_requests_total', { route: '/v1/channels/:id', status: String(missing.status) }),
    ).toBe(1);
    expect(delta('spreekuur_http_request_duration_seconds_count', { route: '/v1/messages' })).toBe(1);
    expect(sum(after, 'spreekuur_socket_connections')).toBe(sum(before, 'spreekuur_socket_connections') + 2);
    expect(delta('spreekuur_socket_events_total', { event: 'chat:send', outcome: 'ok' })).toBe(1);
    expect(delta('spreekuur_socket_ack_duration_seconds_count', { event: 'chat:send' })).toBe(1);
    expect(delta('spreekuur_messages_stored_total', { via: 'rest' })).toBe(1);
    expect(delta('spreekuur_messages_stored_total', { via: 'socket' })).toBe(1);
    expect(delta('spreekuur_socket_pushes_total', { event: 'chat:event' })).toBeGreaterThanOrEqual(1);
    // One pairwise message to the resident's device (and the worker's own, if any), fanned out once.
    expect(delta('spreekuur_fanout_recipients_count', { kind: 'pairwise' })).toBeGreaterThanOrEqual(1);
    expect(delta('spreekuur_fanout_recipients_sum', { kind: 'pairwise' })).toBeGreaterThanOrEqual(1);
    expect(after.some((s) => s.name === 'spreekuur_redis_errors_total')).toBe(true);
    expect(delta('spreekuur_redis_errors_total')).toBe(redis ? 2 : 0);
    const pool = (state: string) =>
      after.find((s) => s.name === 'spreekuur_db_pool_clients' && s.labels.state === state);
    if (gateway.db.kind === 'postgres') {
      expect(pool('total')!.value).toBeGreaterThanOrEqual(1);
      expect(pool('idle')!.value).toBeLessThanOrEqual(pool('total')!.value);
      expect(pool('waiting')!.value).toBeGreaterThanOrEqual(0);
    } else {
      // The embedded database is one connection in the process: no pool to report.
      expect(pool('total')).toBeUndefined();
    }
    expect(sum(after, 'spreekuur_queue_waiting', { team: org.team.id })).toBe(1);
    expect(
      after.some((s) => s.name === 'spreekuur_queue_oldest_wait_seconds' && s.labels.team === org.team.id),
    ).toBe(true);
    expect(sum(after, 'spreekuur_process_cpu_seconds_total')).toBeGreaterThan(0);
    // No URL with ids as a route label: the declared path only.
    expect(after.some((s) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(s.labels.route ?? ''))).toBe(false);

    resident.disconnect();
    worker.disconnect();
  });
});

describe('GET /metrics without METRICS_TOKEN', () => {
  it('is off: 404, whatever token is sent', async () => {
    const plain = await startGateway();
    try {
      const response = await fetch(`${plain.url}/metrics`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('spreekuur_');
    } finally {
      await plain.close();
    }
  });
});
