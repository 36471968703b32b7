import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { endpoint } from '@spreekuur/protocol/endpoint';
import { routeGroup, type RouteHandler } from './routes.ts';

const feed = endpoint({
  method: 'GET',
  path: '/feed.ics',
  access: 'public',
  tags: ['calendar'],
  query: z.strictObject({ token: z.string() }),
  responseContentType: 'text/calendar',
});

let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

async function serverWith(handler: RouteHandler<typeof feed>) {
  const logs: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const app = Fastify({ logger: { level: 'warn', stream } });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  routeGroup(app).add(feed, handler);
  await app.ready();
  close = () => app.close();
  return { app, logs };
}

describe('routeGroup', () => {
  // An async handler that returns the reply it sent resolves to undefined (a reply is thenable):
  // the route sent a second time, and fastify logged the error with the URL, a feed token included.
  it('sends once when an async handler answers with the reply itself', async () => {
    const { app, logs } = await serverWith(async ({ query, reply }) =>
      reply
        .header('content-type', 'text/calendar; charset=utf-8')
        .send(`BEGIN:VCALENDAR ${query.token.length}`),
    );
    const response = await app.inject({ method: 'GET', url: '/feed.ics?token=cal_secret' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/calendar; charset=utf-8');
    expect(response.body).toBe('BEGIN:VCALENDAR 10');
    expect(logs).toEqual([]);
  });
});
