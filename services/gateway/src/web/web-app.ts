import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `pnpm --filter @spreekuur/web build` writes the app. */
const DEFAULT_WEB_DIST = fileURLToPath(new URL('../../../../packages/web/dist/', import.meta.url));

/** Paths that belong to the API and the server, never to the app's client-side routes. */
const SERVER_PATHS = /^\/(v1|docs|socket\.io|healthz|readyz)(\/|$|\?)/;

/** Hashed build output (`assets/…`): never changes under its name, so browsers keep it a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Files the service worker and the browser must always ask again for. */
const ALWAYS_REVALIDATE = 'no-cache';

function listFiles(root: string): Set<string> {
  const files = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!/\.(gz|br)$/.test(entry.name)) files.add(`/${relative(root, path).split(sep).join('/')}`);
    }
  };
  walk(root);
  return files;
}

/**
 * Serves the built web app at `/`: the files of the build (and only those: the list is made at
 * start, so no path can reach outside it), precompressed when the build made .br/.gz files, and
 * `index.html` for every other page path (the app routes in the browser). Without a build it
 * answers pages with a short note on how to make one; the API is not affected.
 */
export async function webApp(app: FastifyInstance, options: { distDir?: string } = {}): Promise<void> {
  const root = options.distDir ?? DEFAULT_WEB_DIST;
  const built = existsSync(join(root, 'index.html')) && statSync(root).isDirectory();
  const files = built ? listFiles(root) : new Set<string>();

  if (built) {
    await app.register(fastifyStatic, {
      root,
      serve: false,
      preCompressed: true,
      etag: true,
      lastModified: false,
      cacheControl: false,
    });
  }

  const sendIndex = (reply: FastifyReply) => {
    if (!built) {
      return reply
        .code(503)
        .header('cache-control', ALWAYS_REVALIDATE)
        .type('text/plain; charset=utf-8')
        .send('De web-app is nog niet gebouwd. Run: pnpm --filter @spreekuur/web build\n');
    }
    return reply.header('cache-control', ALWAYS_REVALIDATE).sendFile('index.html');
  };

  app.get('/', async (_request, reply) => sendIndex(reply));
  app.get('/*', async (request, reply) => {
    let path: string;
    try {
      path = decodeURIComponent(request.url.split('?')[0]!);
    } catch {
      return reply.callNotFound();
    }
    // The API's own namespace is never an app page: its misses get the API's answer.
    if (SERVER_PATHS.test(path)) return reply.callNotFound();
    if (files.has(path)) {
      const cache = path.startsWith('/assets/') ? IMMUTABLE : ALWAYS_REVALIDATE;
      return reply.header('cache-control', cache).sendFile(path.slice(1));
    }
    // A page of the app (no file extension): the browser-side router shows it.
    if (!/\.[a-z0-9]+$/i.test(path)) return sendIndex(reply);
    return reply.callNotFound();
  });
}
