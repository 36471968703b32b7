import { readFile } from 'node:fs/promises';
import type { EndpointDefinition } from '@spreekuur/protocol/endpoint';

/**
 * Every REST endpoint the protocol declares, found by walking the `*Endpoints` exports of every
 * entry point in its package.json, so a new endpoint (or a new module of them) is fuzzed and
 * put in the authorisation matrix without anyone listing it here.
 */
export interface CataloguedEndpoint {
  /** `chatEndpoints.send`: where it is declared. */
  name: string;
  endpoint: EndpointDefinition;
}

const isEndpoint = (value: unknown): value is EndpointDefinition =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as EndpointDefinition).method === 'string' &&
  typeof (value as EndpointDefinition).path === 'string' &&
  typeof (value as EndpointDefinition).access === 'string';

export async function catalogue(): Promise<CataloguedEndpoint[]> {
  const manifest = JSON.parse(
    await readFile(new URL('../../../../packages/protocol/package.json', import.meta.url), 'utf8'),
  ) as { exports: Record<string, string> };
  const found: CataloguedEndpoint[] = [];
  for (const entry of Object.keys(manifest.exports)) {
    const module = (await import(`@spreekuur/protocol/${entry.replace(/^\.\//, '')}`)) as Record<
      string,
      unknown
    >;
    for (const [group, value] of Object.entries(module)) {
      if (!group.endsWith('Endpoints') || typeof value !== 'object' || value === null) continue;
      for (const [key, endpoint] of Object.entries(value)) {
        if (isEndpoint(endpoint)) found.push({ name: `${group}.${key}`, endpoint });
      }
    }
  }
  return found;
}

/** `METHOD /path`, as fastify's route catalogue spells it. */
export const routeKey = (endpoint: Pick<EndpointDefinition, 'method' | 'path'>) =>
  `${endpoint.method} ${endpoint.path}`;
