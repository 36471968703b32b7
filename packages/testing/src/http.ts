import type { App } from '@spreekuur/server';

/** Anything with a fastify app to inject requests into: a TestApp, a test gateway. */
export interface Injectable {
  app: Pick<App, 'inject'>;
}

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ApiResponse<T> {
  status: number;
  /** The parsed JSON body (null when the answer is not JSON or empty). */
  body: T;
  text: string;
  headers: Record<string, unknown>;
}

/** One request through `app.inject`, as `actor` (its bearer token) or anonymously (`null`). */
export async function api<T = unknown>(
  target: Injectable,
  actor: { token: string } | null,
  method: Method,
  url: string,
  payload?: unknown,
): Promise<ApiResponse<T>> {
  const response = await target.app.inject({
    method,
    url,
    headers: actor ? { authorization: `Bearer ${actor.token}` } : {},
    ...(payload === undefined ? {} : { payload: payload as object }),
  });
  const isJson = String(response.headers['content-type'] ?? '').includes('json');
  return {
    status: response.statusCode,
    body: (isJson && response.body ? response.json() : null) as T,
    text: response.body,
    headers: response.headers,
  };
}

/** Calls a route and fails with what came back unless the status is the expected one. */
export async function expectOk<T>(
  target: Injectable,
  actor: { token: string },
  method: Method,
  url: string,
  body?: unknown,
  status = 200,
): Promise<T> {
  const response = await api<T>(target, actor, method, url, body);
  if (response.status !== status) {
    throw new Error(`${method} ${url}: expected ${status}, got ${response.status} ${response.text}`);
  }
  return response.body;
}
