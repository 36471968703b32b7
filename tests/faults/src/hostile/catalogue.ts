import * as chat from '@spreekuur/protocol/chat';
import type { EndpointDefinition } from '@spreekuur/protocol/endpoint';
import * as identity from '@spreekuur/protocol/identity';
import * as scheduling from '@spreekuur/protocol/scheduling';

/**
 * Every REST endpoint the protocol declares, found by walking its `*Endpoints` exports, so a
 * new endpoint is fuzzed and put in the authorisation matrix without anyone listing it here.
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

export function catalogue(): CataloguedEndpoint[] {
  const found: CataloguedEndpoint[] = [];
  for (const module of [identity, chat, scheduling] as Array<Record<string, unknown>>) {
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
