import {
  fillPath,
  queryString,
  type EndpointDefinition,
  type EndpointInput,
  type EndpointResult,
} from '@spreekuur/protocol/endpoint';
import { errorBodySchema } from '@spreekuur/protocol/errors';
import { SpreekuurError } from './errors.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What the SDK sends as a body: JSON text or bytes (no DOM-only types, so Node typechecks it too). */
export type RequestBody = string | Uint8Array<ArrayBuffer>;

export interface HttpOptions {
  baseUrl: string;
  locale: 'nl' | 'en';
  /** The current access token (null before login). */
  token: () => string | null;
  /** Called once on a 401 to get a fresh token; the request is then retried. */
  refresh: () => Promise<void>;
  /** Sent with every request (e.g. the operator token for deployment-wide calls). */
  headers?: Readonly<Record<string, string>>;
  fetch?: typeof fetch;
}

/** `call(endpoint)` may leave out the input when the endpoint declares none. */
export type CallArguments<E extends EndpointDefinition> =
  Record<never, never> extends EndpointInput<E> ? [input?: EndpointInput<E>] : [input: EndpointInput<E>];

/**
 * REST calls with zod-checked answers. Errors become {@link SpreekuurError} with the server's
 * stable code; an expired token is refreshed once, transparently.
 */
export class HttpClient {
  constructor(private readonly options: HttpOptions) {}

  /** Browsers refuse `fetch` called as a method of another object ("Illegal invocation"). */
  private get fetchImpl(): typeof fetch {
    return this.options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  }

  async raw(
    method: Method,
    path: string,
    init: { body?: RequestBody; contentType?: string; auth?: boolean } = {},
    retried = false,
  ): Promise<Response> {
    let token = init.auth === false ? null : this.options.token();
    // Not signed in yet (a page that asks before the login finished): sign in first, rather than
    // be refused and retry — the refusal would be a wasted round trip and a browser console error.
    if (init.auth !== false && !token && !retried) {
      await this.options.refresh();
      token = this.options.token();
    }
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.options.baseUrl}${path}`, {
        method,
        headers: {
          ...this.options.headers,
          'accept-language': this.options.locale,
          ...(init.contentType ? { 'content-type': init.contentType } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(init.body === undefined ? {} : { body: init.body }),
      });
    } catch (error) {
      throw new SpreekuurError(
        'ERR_CLIENT_NETWORK',
        `cannot reach ${this.options.baseUrl}: ${(error as Error).message}`,
      );
    }
    if (response.status === 401 && init.auth !== false && !retried) {
      await this.options.refresh();
      return this.raw(method, path, init, true);
    }
    if (!response.ok) throw await toError(response);
    return response;
  }

  /**
   * Calls an endpoint declared in `@spreekuur/protocol`: the path, query and body come from
   * its definition, the answer is parsed with its response schema.
   */
  async call<E extends EndpointDefinition>(
    endpoint: E,
    ...[input]: CallArguments<E>
  ): Promise<EndpointResult<E>> {
    const { path, response } = await this.send(endpoint, input);
    if (endpoint.status === 204 || !endpoint.response) return null as EndpointResult<E>;
    const parsed = endpoint.response.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success)
      throw new SpreekuurError(
        'ERR_CLIENT_BAD_RESPONSE',
        `unexpected answer from ${endpoint.method} ${path}`,
      );
    return parsed.data as EndpointResult<E>;
  }

  /** Calls an endpoint that answers with text rather than JSON (CSV, iCalendar): the text. */
  async text<E extends EndpointDefinition & { responseContentType: string }>(
    endpoint: E,
    ...[input]: CallArguments<E>
  ): Promise<string> {
    return (await this.send(endpoint, input)).response.text();
  }

  private async send(endpoint: EndpointDefinition, input: unknown) {
    const { params, query, body } = (input ?? {}) as AnyInput;
    const path = fillPath(endpoint.path, params) + queryString(query);
    const response = await this.raw(endpoint.method, path, {
      ...(body === undefined ? {} : { body: JSON.stringify(body), contentType: 'application/json' }),
      auth: endpoint.access === 'device',
    });
    return { path, response };
  }
}

/** The input of any endpoint, as `send` takes it apart. */
type AnyInput = {
  params?: Record<string, string | number>;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
};

async function toError(response: Response): Promise<SpreekuurError> {
  const parsed = errorBodySchema.safeParse(await response.json().catch(() => null));
  if (!parsed.success)
    return new SpreekuurError('ERR_CLIENT_BAD_RESPONSE', `HTTP ${response.status}`, {
      status: response.status,
    });
  const { code, message, issues, mismatch, retryAfter } = parsed.data.error;
  return new SpreekuurError(code, message, {
    status: response.status,
    ...(issues ? { issues } : {}),
    ...(mismatch ? { mismatch } : {}),
    ...(retryAfter ? { retryAfter } : {}),
  });
}
