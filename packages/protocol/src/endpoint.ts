import type { z } from 'zod';

/**
 * A REST endpoint, declared once here and used by both sides: the server registers its route
 * from it (schemas, OpenAPI tags and security, success status) and the SDK calls it with the
 * same schemas, so a path, a body or a list wrapper is never written a second time.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * Who may call: `device` needs a device's access token, `operator` the deployment's operator
 * token, `public` nobody in particular (registration, login, secret-link calendar feeds).
 */
export type Access = 'device' | 'operator' | 'public';

export interface EndpointDefinition {
  readonly method: HttpMethod;
  /** fastify path syntax: `/v1/teams/:id/members/:personId`. */
  readonly path: string;
  readonly access: Access;
  readonly tags: readonly string[];
  readonly summary?: string;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The success status: 200 by default; 204 answers carry no body. */
  readonly status?: 200 | 201 | 204;
  /** The JSON answer. Absent for endpoints that answer with bytes or text (files, calendars). */
  readonly response?: z.ZodType;
  /** For a body that is not JSON, e.g. `application/octet-stream` chunks of ciphertext. */
  readonly contentType?: string;
  /** For an answer that is not JSON (no `response`), its content type, e.g. file ciphertext. */
  readonly responseContentType?: string;
  /** What that non-JSON answer is, for the OpenAPI document (e.g. `RFC 5545 iCalendar`). */
  readonly responseDescription?: string;
}

/** Declares an endpoint; the identity function keeps the literal types for both sides. */
export function endpoint<const E extends EndpointDefinition>(definition: E): E {
  return definition;
}

type Input<S> = S extends z.ZodType ? z.input<S> : never;
type Output<S> = S extends z.ZodType ? z.output<S> : never;
type Part<K extends string, S> = S extends z.ZodType ? { [P in K]: Input<S> } : { [P in K]?: never };

/** What a caller passes: `params`, `query` and `body`, each present exactly when declared. */
export type EndpointInput<E extends EndpointDefinition> = Part<'params', E['params']> &
  Part<'query', E['query']> &
  Part<'body', E['body']>;

/** What the handler receives after validation. */
export type EndpointParsed<E extends EndpointDefinition> = {
  params: Output<E['params']>;
  query: Output<E['query']>;
  body: Output<E['body']>;
};

/** The parsed answer of a JSON endpoint (`null` for 204). */
export type EndpointResult<E extends EndpointDefinition> = E['status'] extends 204
  ? null
  : E['response'] extends z.ZodType
    ? z.output<E['response']>
    : never;

/** What a server handler returns: the answer before serialisation (dates may still be Dates). */
export type EndpointReply<E extends EndpointDefinition> = E['status'] extends 204
  ? void
  : E['response'] extends z.ZodType
    ? z.input<E['response']>
    : never;

/** Fills `:name` segments of a path; values are URL-encoded. */
type Scalar = string | number | boolean | null | undefined;

export function fillPath(path: string, params: Readonly<Record<string, Scalar>> | undefined): string {
  return path.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params?.[name];
    if (value === undefined || value === null) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
}

/** `?a=1&b=2` from a flat query object (undefined values are left out), or '' when empty. */
export function queryString(query: Readonly<Record<string, Scalar>> | undefined): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
