import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { chatEndpoints } from '@spreekuur/protocol/chat';
import { AppError } from '@spreekuur/protocol/errors';
import { clientEvents, serverEvents } from '@spreekuur/protocol/realtime';
import { bearerToken } from '../auth/authenticate.ts';

/**
 * `GET /metrics` in the Prometheus text format (prom-client): HTTP requests by route and
 * status with latency, open sockets, socket events by name and outcome with ack latency,
 * messages stored and pushed to devices, fan-out sizes, live-queue length and waiting time
 * per team (ids, never names), PostgreSQL pool use, Redis errors, and the process's own metrics. Off unless METRICS_TOKEN is set; then a
 * scrape must send `Authorization: Bearer <METRICS_TOKEN>`. Each node counts its own.
 */

const knownClientEvents = new Set(Object.keys(clientEvents));
const knownServerEvents = new Set(Object.keys(serverEvents));
const sendRoute = chatEndpoints.send.path;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export const metricsPlugin = fp(
  async (app: FastifyInstance) => {
    const token = app.config.METRICS_TOKEN;
    if (!token) {
      // Off: nothing is collected, so a node without METRICS_TOKEN pays nothing for metrics.
      app.get('/metrics', { schema: { hide: true } }, async () => {
        throw new AppError('ERR_NOT_FOUND', 'metrics are off: set METRICS_TOKEN');
      });
      return;
    }
    const registry = new Registry();
    registry.setDefaultLabels({ node: app.config.NODE_ID });
    collectDefaultMetrics({ register: registry, prefix: 'spreekuur_' });

    const requests = new Counter({
      name: 'spreekuur_http_requests_total',
      help: 'HTTP requests by method, route (the declared path, not the URL) and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    });
    const duration = new Histogram({
      name: 'spreekuur_http_request_duration_seconds',
      help: 'Time from request to response, by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const sockets = new Gauge({
      name: 'spreekuur_socket_connections',
      help: 'Open socket.io connections on this node',
      registers: [registry],
    });
    const socketEvents = new Counter({
      name: 'spreekuur_socket_events_total',
      help: 'Socket events from clients by name and outcome (ok, refused)',
      labelNames: ['event', 'outcome'],
      registers: [registry],
    });
    const ackLatency = new Histogram({
      name: 'spreekuur_socket_ack_duration_seconds',
      help: 'Time from a socket event to its acknowledgement, by name',
      labelNames: ['event'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    });
    const stored = new Counter({
      name: 'spreekuur_messages_stored_total',
      help: 'Encrypted messages the server stored and acknowledged (socket and REST)',
      labelNames: ['via'],
      registers: [registry],
    });
    const pushed = new Counter({
      name: 'spreekuur_socket_pushes_total',
      help: 'Events pushed to sockets by name; chat:event counts deliveries of messages to devices (fan-out)',
      labelNames: ['event'],
      registers: [registry],
    });
    // Asked at scrape time: one grouped query over the queue's open entries.
    const queueWaiting = new Gauge({
      name: 'spreekuur_queue_waiting',
      help: 'Residents waiting in a team’s live queue (team id only)',
      labelNames: ['team'],
      registers: [registry],
    });
    const queueOldest = new Gauge({
      name: 'spreekuur_queue_oldest_wait_seconds',
      help: 'How long the longest-waiting resident of a team has waited',
      labelNames: ['team'],
      registers: [registry],
    });
    const fanout = new Histogram({
      name: 'spreekuur_fanout_recipients',
      help: 'Recipients of each channel event pushed: devices for pairwise messages, people (each with all their devices) for events every member sees',
      labelNames: ['kind'],
      buckets: [1, 2, 3, 5, 10, 20, 50, 100, 250, 500],
      registers: [registry],
    });
    const redisErrors = new Counter({
      name: 'spreekuur_redis_errors_total',
      help: 'Error events of the Redis client and of the socket.io adapter’s stream and pub/sub clients',
      registers: [registry],
    });
    // Read from the pool at scrape time; the embedded database has no pool and reports none.
    const db = app.db;
    new Gauge({
      name: 'spreekuur_db_pool_clients',
      help: 'PostgreSQL pool clients by state: total (open), idle, waiting (callers queued for a client)',
      labelNames: ['state'],
      registers: [registry],
      collect() {
        const stats = db.poolStats?.();
        if (!stats) return;
        this.set({ state: 'total' }, stats.total);
        this.set({ state: 'idle' }, stats.idle);
        this.set({ state: 'waiting' }, stats.waiting);
      },
    });
    const scrapeErrors = new Counter({
      name: 'spreekuur_metrics_collect_errors_total',
      help: 'Scrapes in which a database-backed metric could not be read',
      registers: [registry],
    });

    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics') return;
      const labels = { method: request.method, route, status: String(reply.statusCode) };
      requests.inc(labels);
      duration.observe(labels, reply.elapsedTime / 1000);
      if (route === sendRoute && request.method === 'POST' && reply.statusCode < 300)
        stored.inc({ via: 'rest' });
    });

    app.realtime.io.on('connection', (socket) => {
      sockets.inc();
      socket.on('disconnect', () => sockets.dec());
      socket.onAnyOutgoing((event: string) => {
        pushed.inc({ event: knownServerEvents.has(event) ? event : 'other' });
      });
    });
    app.realtime.onFanout((kind, recipients) => fanout.observe({ kind }, recipients));
    app.realtime.onRedisError(() => redisErrors.inc());
    app.realtime.onEventHandled((event, ok, seconds) => {
      const name = knownClientEvents.has(event) ? event : 'other';
      socketEvents.inc({ event: name, outcome: ok ? 'ok' : 'refused' });
      ackLatency.observe({ event: name }, seconds);
      if (ok && event === 'chat:send') stored.inc({ via: 'socket' });
    });

    async function collectQueues() {
      const { rows } = await app.db.query<{ team_id: string; waiting: number; oldest: number }>(
        `SELECT team_id, count(*)::int AS waiting,
                COALESCE(EXTRACT(EPOCH FROM (now() - min(joined_at))), 0)::float8 AS oldest
           FROM queue_entries WHERE status = 'waiting' GROUP BY team_id`,
      );
      queueWaiting.reset();
      queueOldest.reset();
      for (const row of rows) {
        queueWaiting.set({ team: row.team_id }, row.waiting);
        queueOldest.set({ team: row.team_id }, Number(row.oldest));
      }
    }

    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const given = bearerToken(request.headers.authorization);
      if (!given || !sameSecret(given, token)) throw new AppError('ERR_UNAUTHENTICATED');
      await collectQueues().catch((error: unknown) => {
        scrapeErrors.inc();
        request.log.warn({ err: error }, 'queue metrics could not be read');
      });
      return reply.type(registry.contentType).send(await registry.metrics());
    });
  },
  { name: 'spreekuur-metrics', dependencies: ['spreekuur-realtime'] },
);
